import hashlib

import pytest

from yingshang.audit import chain
from yingshang.audit.models import AuditRecord


def test_fields_cover_every_column_of_a_record():
    assert set(chain.FIELDS) == {f.attname for f in AuditRecord._meta.concrete_fields}


def test_sm3_matches_the_standard_vector_through_openssl_and_gmssl():
    # GB/T 32905-2016, example 1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert chain.digest("sm3", b"abc", use_openssl=False) == expected
    if chain.OPENSSL_SM3:
        assert chain.digest("sm3", b"abc", use_openssl=True) == expected


def test_sha256_is_accepted_and_unknown_algorithms_refused():
    assert chain.digest("sha256", b"abc") == hashlib.sha256(b"abc").hexdigest()
    with pytest.raises(ValueError):
        chain.digest("md5", b"abc")


def test_canonical_form_is_stable_json_with_utc_time(write_records):
    record = write_records(1)[0]
    values = AuditRecord.objects.filter(pk=record.pk).values(*chain.FIELDS).get()
    text = chain.canonical(values).decode()
    assert text.startswith('{"action":"ledger.update","actor_department":')
    assert f'"id":{record.pk},' in text
    assert '"after":{"n":0}' in text
    assert record.at.astimezone(chain.UTC).isoformat(timespec="microseconds") in text
    # Key order of the JSON columns does not matter.
    reordered = dict(values, after={"n": 0}, before=None)
    assert chain.canonical(reordered) == chain.canonical(values)
    assert chain.canonical(dict(values, detail="x")) != chain.canonical(values)
