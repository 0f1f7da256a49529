"""The password policy's own checks (NCSC guidance, OWASP ASVS 4.0.3 V2.1).

Django's validators check the length (12 or more) and likeness to the user's name; these
add an upper limit and a check against common and breached passwords.

The breached-password check is offline: no password, or part of a hash of one, ever
leaves the server (an online k-anonymity service such as Pwned Passwords cannot be
reached from a police network, and the app must not depend on it). The list is Django's
20,000 common passwords together with the 30,000 most common passwords of real breaches
that the zxcvbn package ships, plus words anyone would try against a police service. As
those lists hold few passwords of 12 characters or more, a password is also refused when
what remains after taking digits and symbols off its ends, undoing common letter
swaps (p@ssw0rd), separators and repeats (password-password) is on the list: "Password123456!",
"Summer2024!!!!" and "qwertyqwerty" are all refused, "correct horse battery" is not.
"""

import functools
import gzip
import re
from pathlib import Path

import django.contrib.auth.password_validation as django_validation
from django.core.exceptions import ValidationError

MAX_LENGTH = 128
# Words an attacker tries first against this service, whatever the lists say.
CONTEXT_WORDS = {
    "peeltrack",
    "peel",
    "police",
    "policing",
    "constabulary",
    "hmicfrs",
    "inspection",
    "inspectorate",
    "welcome",
    "changeme",
    "letmein",
}
LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s",
                      "5": "s", "7": "t", "+": "t", "8": "b", "9": "g"})  # fmt: skip
ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@functools.cache
def breached_passwords() -> frozenset[str]:
    """Django's common-password list and zxcvbn's breached-password list, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    django_list = Path(django_validation.__file__).parent / "common-passwords.txt.gz"
    with gzip.open(django_list, "rt", encoding="utf-8") as lines:
        words = {line.strip().lower() for line in lines if line.strip()}
    words.update(word.lower() for word in FREQUENCY_LISTS["passwords"])
    return frozenset(words | CONTEXT_WORDS)


def _unrepeated(value: str) -> str:
    """'abcabcabc' -> 'abc': the shortest unit the value repeats."""
    for size in range(1, len(value) // 2 + 1):
        if len(value) % size == 0 and value[:size] * (len(value) // size) == value:
            return value[:size]
    return value


def guesses(password: str) -> set[str]:
    """The forms of a password that an attacker's word list would try."""
    lowered = password.lower()
    spaced = re.sub(r"\s+", "", lowered)
    letters = re.sub(r"[\W_]+", "", lowered)
    forms = {lowered, spaced, spaced.translate(LEET), letters}
    for form in list(forms):
        forms.add(ENDS.sub("", form))
    for form in list(forms):
        forms.add(_unrepeated(form))
    return {form for form in forms if len(form) >= 4}


def is_breached(password: str) -> bool:
    known = breached_passwords()
    return any(form in known for form in guesses(password))


class BreachedPasswordValidator:
    """Refuses common and breached passwords, and simple variations of them."""

    def validate(self, password, user=None):
        if is_breached(password):
            raise ValidationError(
                "This password is too common: it is on lists of passwords criminals try "
                "first. Choose something harder to guess, such as three random words.",
                code="password_too_common",
            )

    def get_help_text(self):
        return "Your password cannot be a commonly used or breached password."


class MaximumLengthValidator:
    """Refuses passwords over 128 characters (ASVS 2.1.2), so hashing stays cheap."""

    def validate(self, password, user=None):
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                f"Your password must be {MAX_LENGTH} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password must be {MAX_LENGTH} characters or fewer."
