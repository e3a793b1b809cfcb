"""Request templates render values structurally: a password cannot reshape a JSON body, a path or a header."""

import json

import pytest

from harness.profile import RequestTemplate
from harness.transports.outcome import Unrecognised
from harness.transports.templates import TemplateError, render
from harness.transports.token import token_at

HOSTILE = 'x", "admin": true, "y": "{}\\\r\n</pw><admin/>&%2F/../'


def template(**fields: object) -> RequestTemplate:
    return RequestTemplate.model_validate(fields)


def test_a_placeholder_inside_a_json_string_stays_that_string_and_typed_values_stay_typed() -> None:
    body = {"user": {"name": "{username}", "password": "{new_password}"}, "level": 3, "on": True,
            "tags": ["a", "{new_password}-2"], "none": None}
    rendered = render(template(method="PUT", path="/api/u", json=body), {"username": "admin",
                                                                         "new_password": HOSTILE})
    sent = json.loads(json.dumps(rendered.json_body))
    assert sent == {"user": {"name": "admin", "password": HOSTILE}, "level": 3, "on": True,
                    "tags": ["a", f"{HOSTILE}-2"], "none": None}
    assert rendered.method == "PUT" and rendered.form is None and rendered.body is None


def test_path_values_are_one_percent_encoded_segment() -> None:
    rendered = render(template(path="/api/users/{username}/password"), {"username": "../admin?x=1"})
    assert rendered.path == "/api/users/..%2Fadmin%3Fx%3D1/password"


def test_a_header_value_with_a_line_break_is_refused() -> None:
    headers = template(path="/", headers={"X-Csrf": "{csrf}"})
    assert render(headers, {"csrf": "abc"}).headers == {"X-Csrf": "abc"}
    with pytest.raises(TemplateError, match="header injection"):
        render(headers, {"csrf": "abc\r\nX-Admin: 1"})


@pytest.mark.parametrize(("content_type", "expected"), [
    ("application/json", '{"pw": "x\\", \\"admin\\": true, \\"y\\": \\"{}\\\\\\r\\n</pw><admin/>&%2F/../"}'),
    ("text/xml", "<pw>x&quot;, &quot;admin&quot;: true, &quot;y&quot;: &quot;{}\\\r\n"
                 "&lt;/pw&gt;&lt;admin/&gt;&amp;%2F/../</pw>"),
    ("application/x-www-form-urlencoded", "pw=x%22%2C%20%22admin%22%3A%20true%2C%20%22y%22%3A%20%22%7B%7D%5C%0D%0A"
                                          "%3C%2Fpw%3E%3Cadmin%2F%3E%26%252F%2F..%2F"),
])
def test_a_raw_body_escapes_values_for_its_content_type(content_type: str, expected: str) -> None:
    bodies = {"application/json": '{{"pw": "{new_password}"}}', "text/xml": "<pw>{new_password}</pw>",
              "application/x-www-form-urlencoded": "pw={new_password}"}
    rendered = render(template(path="/p", body=bodies[content_type], content_type=content_type),
                      {"new_password": HOSTILE})
    assert rendered.body == expected.encode()
    assert rendered.headers["Content-Type"] == content_type
    if content_type == "application/json":
        assert json.loads(rendered.body) == {"pw": HOSTILE}


def test_a_plain_raw_body_refuses_a_line_break_and_literal_braces_stay() -> None:
    plain = template(path="/p", body="pw {{literal}} {new_password}", content_type="text/plain")
    assert render(plain, {"new_password": "s3cret"}).body == b"pw {literal} s3cret"
    with pytest.raises(TemplateError):
        render(plain, {"new_password": "a\nb"})


def test_a_value_the_use_does_not_have_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(TemplateError, match=r"no value for \{token\}"):
        render(template(path="/", form={"t": "{token}"}), {})


def test_expect_decides_what_is_accepted() -> None:
    assert render(template(path="/", expect=[204]), {}).accepted(204)
    assert not render(template(path="/", expect=[204]), {}).accepted(200)
    assert render(template(path="/"), {}).accepted(201)


@pytest.mark.parametrize(("answer", "path", "token"), [
    ({"token": "abc"}, "token", "abc"),
    ({"data": {"tokens": [{"id": 7}]}}, "$.data.tokens[0].id", "7"),
    ({"a": [[1, "x"]]}, "a[0][1]", "x"),
])
def test_the_token_is_found_by_its_json_path(answer: object, path: str, token: str) -> None:
    assert token_at(answer, path) == token


@pytest.mark.parametrize(("answer", "path"), [
    ({"data": {}}, "data.token"), ({"token": ""}, "token"), ({"token": True}, "token"), ({"token": {"a": 1}}, "token"),
    (["x"], "token"), ({"list": []}, "list[0]"),
])
def test_no_token_at_the_path_is_unrecognised(answer: object, path: str) -> None:
    with pytest.raises(Unrecognised):
        token_at(answer, path)
