"""Generated training data inherits the generator's licence terms: flag non-commercial ones early."""

from __future__ import annotations

import re

# Licences of generators people actually point this at (model id substring -> licence).
KNOWN_LICENSES = {
    "sauerkrautlm-solar-instruct": "cc-by-nc-4.0",
    "qwen2.5-coder-0.5b": "Apache-2.0",
    "qwen2.5-7b-instruct": "Apache-2.0",
    "llama-3.1-sauerkrautlm-8b": "llama3.1",
    "mistral-7b-instruct": "Apache-2.0",
    "c4ai-command-r": "cc-by-nc-4.0",
}
_NON_COMMERCIAL = re.compile(r"(^|[-_ ])nc([-_ ]|$)|non-?commercial|research[-_ ]only", re.IGNORECASE)


def model_license(model: str, configured: str = "") -> str:
    """The configured licence, else the known one for the model id, else ''."""
    if configured:
        return configured
    lowered = model.lower()
    return next((lic for key, lic in KNOWN_LICENSES.items() if key in lowered), "")


def license_warning(model: str, configured: str = "") -> str:
    """A warning for metadata when outputs may not be usable commercially, or '' when none applies."""
    lic = model_license(model, configured)
    if not lic:
        return f"licence of generator {model!r} unknown: check its terms before using the generated data"
    if _NON_COMMERCIAL.search(lic):
        return f"generator {model!r} is licensed {lic} (non-commercial): models trained on its output may inherit that"
    return ""
