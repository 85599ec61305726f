"""Domain primitives: check digits (GB 32100-2015, GB 11643), regions, industries, masking."""
import datetime as dt
import random

import pytest
from hypothesis import given, strategies as st

from getihu_kit.domain import id_number, industry, masking, regions, uscc


class TestUSCC:
    def test_published_example_is_valid(self):
        # A well-known valid enterprise code (type 91) and one of ours (type 92).
        assert uscc.validate("91350100M000100Y43", individual_business=False) == "91350100M000100Y43"
        assert uscc.is_valid(uscc.make("232701", serial=1))

    def test_wrong_check_character_names_the_right_one(self):
        good = uscc.make("232721", serial=42)
        bad = good[:17] + ("0" if good[17] != "0" else "1")
        with pytest.raises(uscc.InvalidUSCC, match=f"应为“{good[17]}”"):
            uscc.validate(bad)

    def test_individual_business_codes_start_92(self):
        with pytest.raises(uscc.InvalidUSCC, match="92"):
            uscc.validate("91350100M000100Y43")

    @pytest.mark.parametrize("code,msg", [("9223270", "18位"), ("92232701L0000000I5", "非法字符")])
    def test_length_and_charset(self, code, msg):
        with pytest.raises(uscc.InvalidUSCC, match=msg):
            uscc.validate(code)

    def test_lowercase_is_normalised(self):
        code = uscc.make("232722", serial=7)
        assert uscc.validate(code.lower()) == code

    def test_division_is_where_first_registered(self):
        assert uscc.registration_division(uscc.make("232723", serial=3)) == "232723"

    @given(st.integers(min_value=0, max_value=10**8 - 1))
    def test_every_made_code_is_valid(self, serial):
        assert uscc.is_valid(uscc.make("232701", serial=serial))


class TestIdNumber:
    def test_published_example(self):
        assert id_number.validate("11010519491231002x") == "11010519491231002X"

    def test_wrong_check_digit(self):
        with pytest.raises(id_number.InvalidIdNumber, match="校验位"):
            id_number.validate("110105194912310021")

    def test_impossible_birth_date(self):
        first17 = "23270119990231123"
        with pytest.raises(id_number.InvalidIdNumber, match="出生日期"):
            id_number.validate(first17 + id_number.check_character(first17))

    @given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2008, 1, 1)), st.integers(0, 999))
    def test_every_made_number_is_valid(self, birth, serial):
        assert id_number.is_valid(id_number.make(birth=birth, serial=serial))


class TestRegions:
    def test_current_codes(self):
        assert regions.name("232701") == "漠河市"
        assert len(regions.COUNTIES) == 7

    @pytest.mark.parametrize("old,new", [("232723", "232701"), ("232790", "232761"), ("232793", "232764")])
    def test_aliases(self, old, new):
        assert regions.canonical(old) == new

    def test_unknown(self):
        with pytest.raises(regions.UnknownRegion, match="大兴安岭"):
            regions.canonical("110105")


class TestIndustry:
    @pytest.mark.parametrize("raw,norm", [("H", "H"), ("h6210", "H6210"), ("62", "H62"), ("C1311", "C1311")])
    def test_normalise(self, raw, norm):
        assert industry.normalise(raw) == norm

    @pytest.mark.parametrize("raw", ["Z", "H51", "99", "", "H62100"])
    def test_reject(self, raw):
        with pytest.raises(industry.InvalidIndustry):
            industry.normalise(raw)


def test_masking():
    assert masking.mask_id_number("11010519491231002X") == "1101**********002X"
    assert masking.mask_phone("13812345678") == "138****5678"
    assert masking.mask_name("欧阳娜娜") == "欧***"
    assert masking.mask_phone(None) is None


def test_random_made_codes_are_distinct_enough():
    rng = random.Random(1)
    codes = {uscc.make("232701", rng=rng) for _ in range(1000)}
    assert len(codes) > 990 and all(uscc.is_valid(c) for c in codes)
