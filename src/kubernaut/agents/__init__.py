"""Chat models: litellm-backed LLMs, the rule-based model, fallbacks, prompts and
structured output."""

import os

# litellm downloads a model cost map when it is imported. Kubernaut does not use it, and
# on a cluster without internet access the download stalls every start; users who want
# it can still set the variable to False.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
