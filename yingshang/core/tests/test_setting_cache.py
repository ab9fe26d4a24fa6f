from datetime import timedelta

from django.utils import timezone

from yingshang.core.office_settings import (
    begin_request_cache,
    end_request_cache,
    get_setting,
    office_setting_change,
)


def test_one_query_per_request_and_a_change_is_seen_at_once(office_user, django_assert_num_queries):
    office_setting_change(
        actor=office_user,
        key="upload_max_mb",
        raw_value="30",
        effective_from=timezone.now() - timedelta(days=1),
    )
    token = begin_request_cache()
    try:
        with django_assert_num_queries(1):
            assert get_setting("upload_max_mb") == 30
            assert get_setting("upload_max_mb", timezone.now() - timedelta(days=2)) == 20
            assert get_setting("upload_max_mb") == 30
        office_setting_change(actor=office_user, key="upload_max_mb", raw_value="40")
        assert get_setting("upload_max_mb") == 40
    finally:
        end_request_cache(token)


def test_without_a_request_every_read_goes_to_the_database(office_user, django_assert_num_queries):
    with django_assert_num_queries(2):
        get_setting("upload_max_mb")
        get_setting("upload_max_mb")
