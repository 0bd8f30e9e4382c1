# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import builtins
import shutil
import tempfile
import os

import pytest

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile import listing as callfile_listing
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.errors import ValidationError
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.listing import (
    COMPACT_KEYS,
    list_spool,
    name_filter,
    parse_since,
)
from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpoolPaths

BODY = 'Channel: Local/1@busy\nApplication: Echo\nMaxRetries: 2\nArchive: yes\n'
PAGE = ('Channel: Local/100@presser\nContext: pycall-page\nExtension: s\nPriority: 1\nSetvar: PYCALL_PAGE=%s\n'
        'Archive: yes\n')


def put(directory, name, text, mtime=1790000000):
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        handle.write(text)
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def filled(spool):
    put(spool.outgoing, 'page-1-a.0123456789abcdef.call', BODY, 1790000300)
    put(spool.outgoing, 'page-1-b.0123456789abcdef.call', BODY + 'StartRetry: 7 1 (1790000300)\nEndRetry: 7 1 (1790000030)\n',
        1790000330)
    put(spool.done, 'page-1-c.0123456789abcdef.call', BODY + 'StartRetry: 7 1 (1790000000)\nStatus: Completed\n', 1790000100)
    put(spool.done, 'page-2-a.0123456789abcdef.call', BODY + 'Status: Failed\n', 1790000200)
    put(spool.done, 'other.0123456789abcdef.call', BODY + 'Status: Expired\n', 1790000050)
    put(spool.outgoing, 'foreign.call', 'this is not a call file\n', 1)
    return spool


def test_compact_by_default_with_what_a_runbook_needs(filled):
    calls, _summary = list_spool(filled)
    assert all(sorted(c) == sorted(COMPACT_KEYS) for c in calls)
    by_name = dict((c['name'], c) for c in calls)
    b = by_name['page-1-b']
    assert (b['status'], b['phase'], b['attempts'], b['max_attempts']) == ('in_progress', 'waiting', 1, 3)
    # Times are epoch seconds; the phase says whether mtime is the due time or the next attempt.
    assert b['mtime_epoch'] == 1790000330
    assert (by_name['page-1-a']['phase'], by_name['page-1-a']['mtime_epoch']) == ('queued', 1790000300)
    # Every value a scalar: a nested value per entry is what costs Ansible most to carry.
    assert all(not isinstance(value, (dict, list)) for c in calls for value in c.values())
    # The path is full detail: it is a third of a compact entry's bytes, and a runbook acts by name.
    assert 'call_file' not in b
    full = dict((c['name'], c) for c in list_spool(filled, detail='full')[0])
    assert full['page-1-b']['call_file'] == os.path.join(filled.outgoing, 'page-1-b.0123456789abcdef.call')
    assert full['page-1-b']['next_retry']['epoch'] == full['page-1-b']['mtime_epoch'] == 1790000330
    assert full['page-1-a']['schedule']['epoch'] == full['page-1-a']['mtime']['epoch'] == 1790000300
    # Oldest first, as before.
    assert [c['name'] for c in calls] == ['foreign', 'other', 'page-1-c', 'page-2-a', 'page-1-a', 'page-1-b']


def test_full_detail_keeps_fields_and_attempt_log(filled):
    calls, _summary = list_spool(filled, detail='full')
    c = dict((x['name'], x) for x in calls)['page-1-c']
    assert c['fields']['channel'] == 'Local/1@busy'
    assert c['attempt_log'][0]['outcome'] == 'final' and c['location'] == 'done'
    assert 'errors' in c and 'stuck_reason' in c and 'attempts_left' in c


def test_summary_counts_every_state_of_what_is_returned(filled):
    _calls, summary = list_spool(filled)
    assert summary == {'pending': 1, 'in_progress': 1, 'completed': 1, 'failed': 1, 'expired': 1, 'unknown': 1,
                       'acknowledged': 0, 'total': 6}
    _calls, summary = list_spool(filled, statuses=['failed', 'expired'])
    assert (summary['total'], summary['failed'], summary['expired'], summary['pending']) == (2, 1, 1, 0)


def listed(spool, **kwargs):
    return sorted(c['name'] for c in list_spool(spool, **kwargs)[0])


def test_name_globs_and_exact_names(filled):
    def names(**kwargs):
        return listed(filled, **kwargs)
    assert names(names=['page-1-*']) == ['page-1-a', 'page-1-b', 'page-1-c']
    assert names(names=['page-?-a']) == ['page-1-a', 'page-2-a']
    assert names(names=['page-[2]-*', 'other']) == ['other', 'page-2-a']
    assert names(names=['foreign']) == ['foreign']
    assert names(names=['page-1']) == []
    # A glob does not reach into the digest: the call's name is matched, not the file name.
    assert names(names=['*0123456789abcdef']) == []


def test_status_and_since_filters(filled):
    def names(**kwargs):
        return listed(filled, **kwargs)
    assert names(statuses=['completed', 'pending']) == ['page-1-a', 'page-1-c']
    assert names(since=1790000200) == ['page-1-a', 'page-1-b', 'page-2-a']
    assert names(since=1790000200, statuses=['failed'], names=['page-*']) == ['page-2-a']


def test_names_are_matched_before_any_file_is_opened(filled, monkeypatch):
    opened = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(path, *args, **kwargs):
        opened.append(os.path.basename(str(path)))
        return real_open(path, *args, **kwargs)

    def spy_os_open(path, *args, **kwargs):
        opened.append(os.path.basename(str(path)))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, 'open', spy_open)
    monkeypatch.setattr(os, 'open', spy_os_open)
    calls, _summary = list_spool(filled, names=['page-2-*'])
    assert [c['name'] for c in calls] == ['page-2-a']
    assert not [name for name in opened if name.endswith('.call') and not name.startswith('page-2-')]


def test_acknowledgement_is_read_for_pages_and_kept_in_compact(spool):
    put(spool.done, 'p.0123456789abcdef.call', PAGE % 'p' + 'Status: Completed\n')
    put(spool.done, 'q.0123456789abcdef.call', BODY + 'Status: Completed\n')
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.paging import annotate
    asked = []

    def read(name):
        asked.append(name)
        return 1790000012

    calls, summary = list_spool(spool, annotate=lambda found: annotate(found, read))
    by_name = dict((c['name'], c) for c in calls)
    assert asked == ['p']
    assert by_name['p']['acknowledged'] and by_name['p']['acknowledged_at_epoch'] == 1790000012
    assert by_name['q']['acknowledged_at_epoch'] is None
    assert by_name['q']['acknowledged'] is False and 'fields' not in by_name['p']
    assert summary['acknowledged'] == 1


def test_since_accepts_times_and_a_relative_past():
    assert parse_since(None) is None
    assert parse_since('-1h', now=1790003600) == 1790000000
    assert parse_since('- 2 d', now=1790172800) == 1790000000
    assert parse_since('1790000000') == 1790000000
    assert parse_since('2026-09-21T14:13:20Z') == 1790000000


@pytest.mark.parametrize('value', ['+1h', 'yesterday', '-1w'])
def test_bad_since_names_the_parameter(value):
    with pytest.raises(ValidationError) as info:
        parse_since(value)
    assert info.value.field == 'since'


def test_bad_detail_and_status_name_the_parameter(spool):
    with pytest.raises(ValidationError) as info:
        list_spool(spool, detail='everything')
    assert info.value.field == 'detail'
    with pytest.raises(ValidationError) as info:
        list_spool(spool, statuses=['done'])
    assert info.value.field == 'status'


def test_name_filter_of_nothing_matches_everything():
    assert name_filter(None) is None and name_filter([]) is None
    match = name_filter(['a*'])
    assert match('abc.0123456789abcdef.call') and not match('b.0123456789abcdef.call')
    assert callfile_listing.call_name('x.call') == 'x'


def test_compact_tells_every_archived_file_as_full_does(spool):
    # Compact reads archived files without building the call (its Status and notes suffice):
    # it must still agree with the full result, odd files and pages included.
    put(spool.done, 'page.0123456789abcdef.call', PAGE % 'page' + 'StartRetry: 7 1 (1790000000)\nStatus: Completed\n')
    put(spool.done, 'both.0123456789abcdef.call', 'Channel: Local/1@a\nApplication: Echo\n' + PAGE.split('\n', 1)[1] + 'Status: Completed\n')
    put(spool.done, 'bad.0123456789abcdef.call', 'Channel: Local/1@a\nApplication: no such app!\nStatus: Failed\n')
    put(spool.done, 'none.0123456789abcdef.call', 'Application: Echo\nStatus: Expired\n')
    put(spool.done, 'junk.call', 'this is not a call file\n')
    put(spool.done, 'retried.0123456789abcdef.call', BODY + 'StartRetry: 7 1 (1790000000)\nEndRetry: 7 1 (1790000030)\n'
        'StartRetry: 7 2 (1790000300)\nStatus: Expired\n')
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.paging import annotate

    def run(detail):
        asked = []
        calls, summary = list_spool(spool, detail=detail,
                                    annotate=lambda found: annotate(found, lambda name: asked.append(name) or 1790000012))
        return calls, summary, asked

    compact_calls, compact_summary, compact_asked = run('compact')
    full_calls, full_summary, full_asked = run('full')
    assert compact_calls == [dict((k, c[k]) for k in COMPACT_KEYS) for c in full_calls]
    assert compact_summary == full_summary and compact_asked == full_asked == ['page']
    assert dict((c['name'], c['status']) for c in compact_calls) == {
        'page': 'completed', 'both': 'completed', 'bad': 'failed', 'none': 'expired', 'junk': 'unknown',
        'retried': 'expired'}
    assert [c['attempts'] for c in compact_calls if c['name'] == 'retried'] == [2]


def test_since_keeps_a_file_whose_time_could_not_be_read(spool, monkeypatch):
    from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.spool import SpooledFile
    unreadable = SpooledFile('done', os.path.join(spool.done, 'locked.0123456789abcdef.call'), None, None, 'Permission denied')
    old = SpooledFile('done', os.path.join(spool.done, 'old.0123456789abcdef.call'), 1, BODY + 'Status: Completed\n')
    monkeypatch.setattr(callfile_listing, 'scan', lambda paths, match=None: [unreadable, old])
    calls, summary = list_spool(spool, since=1790000000)
    assert [(c['name'], c['status']) for c in calls] == [('locked', 'unknown')]
    assert summary['unknown'] == 1 and summary['total'] == 1


@pytest.fixture
def tmpfs_spool():
    """A spool on tmpfs, which keeps an mtime past year 9999 (ext4 clamps it to 2446)."""
    if not os.path.isdir('/dev/shm'):
        pytest.skip('no /dev/shm')
    base = tempfile.mkdtemp(prefix='pycall-unit-', dir='/dev/shm')
    try:
        for name in ('outgoing', 'outgoing_done', 'tmp'):
            os.mkdir(os.path.join(base, name))
        yield SpoolPaths(outgoing=os.path.join(base, 'outgoing'))
    finally:
        shutil.rmtree(base)


def test_a_file_dated_past_year_9999_is_listed_not_a_traceback(tmpfs_spool):
    far = 253402300800
    put(tmpfs_spool.outgoing, 'far.0123456789abcdef.call', BODY, far)
    put(tmpfs_spool.done, 'farther.0123456789abcdef.call', BODY + 'Status: Failed\n', 2 ** 62)
    if os.stat(os.path.join(tmpfs_spool.outgoing, 'far.0123456789abcdef.call')).st_mtime != far:
        pytest.skip('this /dev/shm does not keep such times')
    for detail in ('compact', 'full'):
        calls, summary = list_spool(tmpfs_spool, detail=detail)
        by_name = dict((call['name'], call) for call in calls)
        assert (by_name['far']['mtime_epoch'], by_name['farther']['mtime_epoch']) == (far, 2 ** 62)
        assert by_name['farther']['status'] == 'failed'
        assert summary['total'] == 2
    assert by_name['far']['mtime'] == {'epoch': far, 'iso_utc': '10000-01-01T00:00:00Z'}
    assert by_name['far']['schedule'] == by_name['far']['mtime']
    assert by_name['farther']['mtime']['iso_utc'] is None
