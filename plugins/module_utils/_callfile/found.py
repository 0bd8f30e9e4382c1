# -*- coding: utf-8 -*-
# Copyright: (c) 2026, pycall.asterisk contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A spooled file as the read side sees it: which call it belongs to, its state and phase.

PRIVATE to the collection: the public import is ``callfile``.  Both the
writer (manage) and the readers (report, listing) build on this
module, so it depends on neither.
"""

import hashlib

from ansible_collections.pycall.asterisk.plugins.module_utils._callfile.model import parse_callfile

CALL_SUFFIX = '.call'


def call_filename(name, text, due, salt=''):
    """File name of one version of a named call.

    The digest covers content and due time because Asterisk keeps the
    first due time it saw for a file name: a changed call needs a new one.
    ``salt`` makes a deliberate repeat of the same call a file of its own.
    """
    digest = hashlib.sha256(('%s\0%d\0%s' % (text, due, salt)).encode('utf-8')).hexdigest()[:16]
    return '%s.%s%s' % (name, digest, CALL_SUFFIX)


def name_of(filename):
    """The call name a spooled file belongs to, or None if not one of ours."""
    if not filename.endswith(CALL_SUFFIX):
        return None
    stem = filename[:-len(CALL_SUFFIX)]
    name, sep, digest = stem.rpartition('.')
    if not sep or len(digest) != 16 or not name:
        return None
    try:
        int(digest, 16)
    except ValueError:
        return None
    return name


def call_name(filename):
    """The name a file is listed under: the call's name, or the file name without .call."""
    return name_of(filename) or (filename[:-len(CALL_SUFFIX)] if filename.endswith(CALL_SUFFIX) else filename)


def call_state(location, record):
    """pending, in_progress, completed, failed, expired (or unknown) for a file.

    in_progress covers every file Asterisk has started on (dialling,
    between attempts or stuck); ``record.phase()`` tells them apart.
    """
    if location == 'outgoing':
        return 'in_progress' if record.in_flight else 'pending'
    status = (record.status or '').lower()
    return status if status in ('completed', 'failed', 'expired') else 'unknown'


class Found:
    """One spooled file of a named call, parsed.

    ``phase`` tells what Asterisk is doing with it: queued (not dialled
    yet), dialing (last note StartRetry), waiting (between attempts, last
    note EndRetry/AbortRetry), stuck (an attempt no Asterisk will finish),
    finished (archived), or None when the file is not a call.
    """

    def __init__(self, spooled, asterisk=None, validate=True):
        self.file = spooled
        self.record = parse_callfile(spooled.text, validate) if spooled.text is not None else None
        # An archived file's Status stands even when the call itself was invalid.
        readable = self.record is not None and (self.record.spec is not None or spooled.location == 'done')
        self.state = call_state(spooled.location, self.record) if readable else 'unknown'
        self.phase = self.record.phase(spooled.location, asterisk) if readable else None
        self.stuck_reason = self.record.stuck_reason(asterisk) if self.phase == 'stuck' else None

    @property
    def cancellable(self):
        """Deleting it now cancels the call silently: Asterisk is not dialling it."""
        return self.file.location == 'outgoing' and self.phase in ('queued', 'waiting')

    def same_call(self, spec):
        return self.record is not None and self.record.spec == spec
