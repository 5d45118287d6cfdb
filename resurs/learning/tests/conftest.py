import datetime as dt
import zoneinfo

import pytest
import time_machine

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Moscow"))


@pytest.fixture(autouse=True)
def frozen_clock():
    """Learning tests run on Thursday 26 November 2026, 10:00 Moscow time (the clock moves only when told)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
