"""The Tasmota driver against a plug that follows Tasmota's published web-request API."""

import socket

import pytest

from harness.power.protocol import PowerError
from harness.power.tasmota import TasmotaPlug
from tests.unit.plug_servers import Plug, TasmotaHandler, serving


def test_off_and_on_switch_the_relay_and_check_the_answer() -> None:
    plug = Plug()
    with serving(TasmotaHandler, plug) as address:
        TasmotaPlug(address, relay=2).off()
        assert plug.relays == {2: False}
        TasmotaPlug(address, relay=2).on()
        assert plug.relays == {2: True}
    assert plug.requests == ["/cm?cmnd=Power2+Off", "/cm?cmnd=Power2+On"]


def test_credentials_go_as_user_and_password_parameters() -> None:
    plug = Plug(password="joker")
    with serving(TasmotaHandler, plug) as address:
        TasmotaPlug(address, username="admin", password="joker").off()
        assert plug.relays == {1: False}
        with pytest.raises(PowerError, match="not POWER1=ON"):
            TasmotaPlug(address, username="admin", password="wrong").on()
    assert plug.relays == {1: False}


def test_an_unreachable_plug_is_a_power_error() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{placeholder.getsockname()[1]}"  # bound, not listening: refused
        with pytest.raises(PowerError, match="Tasmota plug"):
            TasmotaPlug(address, timeout_s=1.0).off()
