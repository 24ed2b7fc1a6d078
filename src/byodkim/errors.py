"""The one error hierarchy. Every message is the sentence the user reads."""

from __future__ import annotations


class ByodkimError(Exception):
    """A failure the user can act on; ``str()`` is the whole one-line message."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, *, about: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # The input the error is about, by concept (``domain``, ``selector``): each door names it its
        # own way (the CLI's option, the Lambda's payload field); the message itself never does.
        self.about = about

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class InputError(ByodkimError):
    """Bad input from the user: a file, a name, an option value."""

    exit_code = 2


class KeyFileError(InputError):
    """A key file that cannot be used as a DKIM key."""


class PrivateKeyPublishedError(KeyFileError):
    """A DKIM record's ``p=`` holds a private key: the key is public now and must be replaced."""

    exit_code = 1  # a verdict on what is published, not a mistake in the command line


class AwsError(ByodkimError):
    """AWS refused or could not be reached."""


class DnsUnreachableError(ByodkimError):
    """No name server answered: the network or the servers, not the record."""


class WaitTimeoutError(ByodkimError):
    """Gave up waiting for a condition."""

    exit_code = 3
