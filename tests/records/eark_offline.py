"""Run eark-validator offline: at import it downloads four CSIP vocabularies from dilcis.eu although its package
ships the same files (eark_validator/ipxml/resources/vocabs/); this answers those URLs from the shipped copies.
Run with the validator's own interpreter: var/eark/bin/python tests/records/eark_offline.py PACKAGE."""

import sys
import urllib.request
from importlib.resources import files


def _shipped(url, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - urlopen's signature
    return files("eark_validator.ipxml.resources.vocabs").joinpath(url.rsplit("/", 1)[-1]).open("rb")


urllib.request.urlopen = _shipped

from eark_validator.cli.app import main  # noqa: E402 - after the patch, which its import needs

sys.exit(main())
