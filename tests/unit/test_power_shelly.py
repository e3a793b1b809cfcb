"""The Shelly driver against devices that follow Shelly's published Gen1 and Gen2 local APIs."""

import pytest

from harness.power.protocol import PowerError
from harness.power.shelly import ShellySwitch
from tests.unit.plug_servers import Plug, ShellyGen1Handler, ShellyGen2Handler, serving


def test_gen1_turns_the_relay_off_and_on_with_basic_auth() -> None:
    plug = Plug(password="secret-1")
    with serving(ShellyGen1Handler, plug) as address:
        ShellySwitch(address, generation=1, username="admin", password="secret-1").off()
        assert plug.relays == {0: False}
        ShellySwitch(address, generation=1, username="admin", password="secret-1").on()
        assert plug.relays == {0: True}
        with pytest.raises(PowerError, match="401"):
            ShellySwitch(address, generation=1, password="wrong").off()
    assert plug.relays == {0: True}


def test_gen2_switch_set_then_reads_the_output_back() -> None:
    plug = Plug()
    with serving(ShellyGen2Handler, plug) as address:
        ShellySwitch(address, channel=1).off()
        assert plug.relays == {1: False}
        ShellySwitch(address, channel=1).on()
    assert plug.relays == {1: True}
    assert plug.requests == ["Switch.Set", "Switch.GetStatus", "Switch.Set", "Switch.GetStatus"]


def test_gen2_digest_sha256_authentication() -> None:
    plug = Plug(password="secret-2")
    with serving(ShellyGen2Handler, plug) as address:
        ShellySwitch(address, password="secret-2").off()
        assert plug.relays == {0: False}
        with pytest.raises(PowerError, match="401"):
            ShellySwitch(address, password="wrong").on()
    assert plug.relays == {0: False}
