"""What a rep types: each checker returns the clean value or says, in words a
rep can act on, what is wrong."""

from __future__ import annotations

import pytest

from rep_tui.domain.validation import (
    Invalid, check_email, check_phone, check_state, check_units, check_zip, format_money, format_phone,
    normalize_phone, parse_money,
)


@pytest.mark.parametrize("typed", ["(312) 555-0147", "312.555.0147", "312-555-0147", "+1 312 555 0147",
                                   "1 (312) 555-0147", "3125550147"])
def test_north_american_phones_in_any_format_normalize_to_one_e164(typed):
    assert normalize_phone(typed) == "+13125550147"
    assert check_phone(typed) == typed.strip()


def test_international_phone_is_kept_in_e164():
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("typed, message", [
    ("555-0147", "A phone needs 10 digits with the area code; this has 7."),
    ("312 55", "A phone needs 10 digits with the area code; this has 5."),
    ("(555) 123-4567", "Not a valid phone number (check the area code and length)."),  # exchange cannot start with 1
    ("123-456-7890", "Not a valid phone number (check the area code and length)."),  # area code cannot start with 1
    ("+1 312 555 01477", "Not a valid phone number (check the area code and length)."),
])
def test_bad_phones_say_what_is_wrong(typed, message):
    with pytest.raises(Invalid) as caught:
        check_phone(typed)
    assert str(caught.value) == message
    assert normalize_phone(typed) is None


@pytest.mark.parametrize("typed", ["(555) 234-4567", "555-234-4567", "+1 555 234 4567", "(999) 234-4567",
                                   "1 999 234 4567"])
def test_area_codes_not_in_the_numbering_plan_are_refused(typed):
    """555 and 999 are not area codes in service in the North American plan
    (555-01xx after a real area code is, the fiction range the tests use)."""
    assert normalize_phone(typed) is None
    with pytest.raises(Invalid, match="Not a valid phone number"):
        check_phone(typed)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_optional_fields_are_none_not_errors(empty):
    for check in (check_phone, check_email, check_zip, check_state, parse_money, check_units):
        assert check(empty) is None


def test_format_phone_reads_like_a_phone():
    assert format_phone("+13125550147") == "(312) 555-0147"
    assert format_phone("+442079460958") == "+442079460958"
    assert format_phone(None) == ""


def test_email_is_normalized_and_bad_ones_explained():
    assert check_email(" BOB@Example.COM ") == "BOB@example.com"
    with pytest.raises(Invalid, match="must have an @-sign"):
        check_email("bob")
    with pytest.raises(Invalid, match="something after the @-sign"):
        check_email("bob@")
    with pytest.raises(Invalid, match="should have a period"):
        check_email("bob@example")


@pytest.mark.parametrize("typed", ["60614", "60614-1234", " 60614 "])
def test_good_zips(typed):
    assert check_zip(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["6061", "606145", "60614-12", "ABCDE", "60614 1234"])
def test_bad_zips(typed):
    with pytest.raises(Invalid, match=r"A ZIP code is 5 digits, or 5\+4 like 60614-1234\."):
        check_zip(typed)


def test_states_are_two_letter_codes_any_case():
    assert check_state("il") == "IL"
    assert check_state(" tx ") == "TX"
    for bad in ("Illinois", "XX", "I"):
        with pytest.raises(Invalid, match="Use the two-letter state code, like IL or TX."):
            check_state(bad)


@pytest.mark.parametrize("typed, cents", [
    ("12450", 1_245_000), ("$12,450.50", 1_245_050), ("0.99", 99), ("  7 ", 700), ("1,000,000", 100_000_000),
])
def test_money_is_parsed_to_exact_cents(typed, cents):
    assert parse_money(typed) == cents


@pytest.mark.parametrize("typed, message", [
    ("twelve", "An amount in dollars, like 12450 or 12,450.50."),
    ("-5", "An amount cannot be negative."),
    ("12.345", "At most two decimals (cents)."),
])
def test_bad_money_says_why(typed, message):
    with pytest.raises(Invalid) as caught:
        parse_money(typed)
    assert str(caught.value) == message


def test_format_money_drops_zero_cents_and_keeps_others():
    assert format_money(1_245_000) == "$12,450"
    assert format_money(1_245_050) == "$12,450.50"
    assert format_money(-705) == "-$7.05"
    assert format_money(None) == ""


def test_units_are_whole_numbers_in_range():
    assert check_units(" 12 ") == 12
    assert check_units("0") == 0
    with pytest.raises(Invalid, match="Units is a whole number."):
        check_units("1.5")
    with pytest.raises(Invalid, match="Units must be between 0 and 999."):
        check_units("1000")
    with pytest.raises(Invalid, match="Units must be between 0 and 999."):
        check_units("-1")


@pytest.mark.parametrize("typed", ["312-555-0142 x5", "(312) 555-0142 ext. 4", "312.555.0142 x123", "3125550142 #7"])
def test_an_extension_is_not_part_of_the_number(typed):
    assert normalize_phone(typed) == "+13125550142"
