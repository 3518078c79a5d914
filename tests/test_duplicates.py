"""How sure a pair of customers is to be one person (`domain.duplicates`)."""

import pytest

from rep_tui.domain.duplicates import address_key, contact_keys, name_key, sureness


@pytest.mark.parametrize(("shared", "same_name", "expected"), [
    ({"phone"}, True, "high"), ({"email"}, True, "high"), ({"phone", "email"}, False, "high"),
    ({"address"}, True, "medium"), ({"phone", "address"}, False, "medium"),
    ({"phone"}, False, "low"), ({"email"}, False, "low"),
    ({"address"}, False, None), (set(), True, None),
])
def test_sureness(shared, same_name, expected):
    assert sureness(shared, same_name) == expected


def test_keys_fold_case_and_spacing():
    lead = {"first_name": " Jane ", "last_name": "SMITH", "home_phone_e164": "+13125550101", "email": "Jane@X.com",
            "alt_email": None, "address": "12  Oak St ", "zip": "60601"}
    assert name_key(lead) == "jane smith"
    assert contact_keys(lead) == ["phone +13125550101", "email jane@x.com"]
    assert address_key(lead) == "address 12 oak st|60601"
    assert address_key({"address": " "}) is None
