# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import datetime
import os
import time

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ScheduleError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.schedule import iso_utc, resolve_schedule

NOW = 1790000000  # 2026-09-21T13:33:20Z


@pytest.fixture
def host_zone():
    """Run a test as if the host were in New York (UTC-4 on the test dates)."""
    saved = os.environ.get('TZ')
    os.environ['TZ'] = 'America/New_York'
    time.tzset()
    yield
    if saved is None:
        del os.environ['TZ']
    else:
        os.environ['TZ'] = saved
    time.tzset()


def test_default_is_now_and_relative():
    assert resolve_schedule(None, now=NOW) == (NOW, False)
    assert resolve_schedule('now', now=NOW) == (NOW, False)
    assert resolve_schedule('+30s', now=NOW) == (NOW + 30, False)
    assert resolve_schedule('+5m', now=NOW) == (NOW + 300, False)
    assert resolve_schedule('+2h', now=NOW) == (NOW + 7200, False)
    assert resolve_schedule('+1d', now=NOW) == (NOW + 86400, False)


def test_now_is_the_current_second_not_the_next():
    # Asterisk dials a file whose mtime is not in the future at once; the next second would
    # delay an immediate call by up to a second.
    assert resolve_schedule(None, now=NOW + 0.9) == (NOW, False)
    assert resolve_schedule('now', now=NOW + 0.1) == (NOW, False)
    assert resolve_schedule(NOW - 50, now=NOW + 0.5) == (NOW, True)
    # A relative time still rounds up: never earlier than asked.
    assert resolve_schedule('+30s', now=NOW + 0.1) == (NOW + 31, False)


def test_epoch_forms_are_exact():
    assert resolve_schedule(NOW + 60, now=NOW) == (NOW + 60, True)
    assert resolve_schedule(str(NOW + 60), now=NOW) == (NOW + 60, True)
    # Fractions round up: Asterisk must never dial before the asked time.
    assert resolve_schedule(NOW + 60.2, now=NOW) == (NOW + 61, True)


def test_aware_datetimes_are_exact_whatever_the_host_zone(host_zone):
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    when = datetime.datetime(2026, 9, 22, 0, 0, 0, tzinfo=tokyo)
    assert resolve_schedule(when, now=NOW)[0] == int(when.timestamp()) == 1790002800
    assert resolve_schedule('2026-09-22T00:00:00+09:00', now=NOW)[0] == 1790002800
    assert resolve_schedule('2026-09-21T15:00:00Z', now=NOW)[0] == 1790002800
    assert resolve_schedule('2026-09-21 17:00:00+0200', now=NOW)[0] == 1790002800


def test_naive_times_mean_host_local_time(host_zone):
    # 11:00 in New York (EDT, UTC-4) is 15:00 UTC.
    assert resolve_schedule(datetime.datetime(2026, 9, 21, 11, 0, 0), now=NOW)[0] == 1790002800
    assert resolve_schedule('2026-09-21T11:00:00', now=NOW)[0] == 1790002800
    assert resolve_schedule('2026-09-21T11:00', now=NOW)[0] == 1790002800


def test_past_times_spool_for_now():
    assert resolve_schedule(NOW - 3600, now=NOW) == (NOW, True)
    assert resolve_schedule('2001-01-01T00:00:00Z', now=NOW) == (NOW, True)


@pytest.mark.parametrize('value', ['tomorrow', '+5y', '2026-13-01T00:00:00', '2026-09-21T25:00', '12:00',
                                   '2026-09-21T10:00:00+25:00', True, [], float('nan'), float('inf')])
def test_bad_times_are_refused_naming_the_field(value):
    with pytest.raises(ScheduleError) as info:
        resolve_schedule(value, now=NOW, field='schedule')
    assert info.value.field == 'schedule'


def test_iso_utc():
    assert iso_utc(1790002800) == '2026-09-21T15:00:00Z'


@pytest.mark.parametrize('epoch, text', [
    (253402300799, '9999-12-31T23:59:59Z'),
    # tmpfs and btrfs keep such mtimes; the spool's owner can set them with touch.
    (253402300800, '10000-01-01T00:00:00Z'),
    (-1, '1969-12-31T23:59:59Z'),
    (2 ** 70, None),
])
def test_iso_utc_takes_any_file_time(epoch, text):
    assert iso_utc(epoch) == text
