"""Shelly plugs through the path a profile takes (Gen1 through labgrid's shelly_gen1 backend, Gen2 through tekigo's
own RPC client), against devices that follow Shelly's published Gen1 and Gen2 local APIs."""

import pytest

from harness.power.drivers import shelly_switch
from harness.power.labgrid_port import LabgridPowerPort
from harness.power.protocol import PowerError
from tests.unit.plug_servers import Plug, ShellyGen1Handler, ShellyGen2Handler, serving


def test_gen1_turns_the_relay_off_and_on_with_basic_auth_through_labgrid() -> None:
    plug = Plug(password="secret-1")
    with serving(ShellyGen1Handler, plug) as address:
        switch = shelly_switch(address, 1, 0, "admin", "secret-1")
        assert isinstance(switch, LabgridPowerPort)
        switch.off()
        assert plug.relays == {0: False}
        shelly_switch(address, 1, 0, "admin", "secret-1").on()
        assert plug.relays == {0: True}
        with pytest.raises(PowerError, match="401") as refused:
            shelly_switch(address, 1, 0, None, "wrong").off()
        assert "wrong" not in str(refused.value)
    assert plug.relays == {0: True}


def test_gen2_switch_set_then_reads_the_output_back() -> None:
    plug = Plug()
    with serving(ShellyGen2Handler, plug) as address:
        shelly_switch(address, 2, 1, None, None).off()
        assert plug.relays == {1: False}
        shelly_switch(address, 2, 1, None, None).on()
    assert plug.relays == {1: True}
    assert plug.requests == ["Switch.Set", "Switch.GetStatus", "Switch.Set", "Switch.GetStatus"]


def test_gen2_digest_sha256_authentication() -> None:
    plug = Plug(password="secret-2")
    with serving(ShellyGen2Handler, plug) as address:
        shelly_switch(address, 2, 0, None, "secret-2").off()
        assert plug.relays == {0: False}
        with pytest.raises(PowerError, match="401"):
            shelly_switch(address, 2, 0, None, "wrong").on()
    assert plug.relays == {0: False}


def test_a_switch_that_reports_the_other_state_is_a_power_error() -> None:
    plug = Plug()

    class StuckRelay(ShellyGen1Handler):
        def relay(self, parameters: str) -> None:
            self.plug.relays[0] = True  # the relay is welded shut: whatever was set, it reads back on
            super().relay(parameters)

    with serving(StuckRelay, plug) as address, pytest.raises(PowerError, match="reports on after it was switched off"):
        shelly_switch(address, 1, 0, None, None).off()
    assert plug.requests == ["POST /relay/0 turn=off", "GET /relay/0"]


def test_a_switch_that_never_answers_is_a_power_error_within_the_timeout() -> None:
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        switch = LabgridPowerPort("shelly_gen1", f"http://127.0.0.1:{silent.getsockname()[1]}", 0, timeout_s=0.5)
        started = time.monotonic()
        with pytest.raises(PowerError, match="no answer to switch off within"):
            switch.off()
        assert time.monotonic() - started < 2
