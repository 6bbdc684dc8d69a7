"""The code-search matcher on real-looking fragments: true uses kept, look-alikes dropped."""

from __future__ import annotations

import json

import pytest

from graphsc.sources.code_match import find_uses, is_code_path, search_queries

GPT2 = "openai-community/gpt2"


def loaders(fragment: str, model_id: str = GPT2, **kw: bool) -> list[str]:
    return [u.loader for u in find_uses(fragment, model_id, **kw)]


@pytest.mark.parametrize(
    ("fragment", "model_id", "loader"),
    [
        ('tokenizer = AutoTokenizer.from_pretrained("openai-community/gpt2")', GPT2, "from_pretrained"),
        (
            "model = GPT2LMHeadModel.from_pretrained('openai-community/gpt2', torch_dtype=torch.float16)",
            GPT2,
            "from_pretrained",
        ),
        (
            'model = AutoModel.from_pretrained(\n    pretrained_model_name_or_path="openai-community/gpt2",\n)',
            GPT2,
            "from_pretrained",
        ),
        ('generator = pipeline("text-generation", model="openai-community/gpt2", device=0)', GPT2, "pipeline"),
        (
            "clf = pipeline('sentiment-analysis', 'distilbert/distilbert-base-uncased-finetuned-sst-2-english')",
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            "pipeline",
        ),
        (
            'embedder = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")',
            "sentence-transformers/all-MiniLM-L6-v2",
            "SentenceTransformer",
        ),
        (
            'path = hf_hub_download(repo_id="deepseek-ai/DeepSeek-R1", filename="config.json")',
            "deepseek-ai/DeepSeek-R1",
            "hf_hub_download",
        ),
        (
            'snapshot_download("mistralai/Mistral-Small-24B-Base-2501", local_dir=target)',
            "mistralai/Mistral-Small-24B-Base-2501",
            "snapshot_download",
        ),
        (
            'model = timm.create_model("hf-hub:timm/vit_base_patch16_224.augreg_in21k", pretrained=True)',
            "timm/vit_base_patch16_224.augreg_in21k",
            "create_model",
        ),
        (
            'model, _, preprocess = open_clip.create_model_and_transforms("hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K")',
            "laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
            "create_model_and_transforms",
        ),
        (
            'pipe = DiffusionPipeline.from_pretrained(\n    "stabilityai/stable-diffusion-xl-base-1.0", torch_dtype=torch.float16\n)',
            "stabilityai/stable-diffusion-xl-base-1.0",
            "from_pretrained",
        ),
        (
            'const classifier = await pipeline("sentiment-analysis", "Xenova/distilbert-base-uncased-finetuned-sst-2-english");',
            "Xenova/distilbert-base-uncased-finetuned-sst-2-english",
            "pipeline",
        ),
    ],
)
def test_true_uses_are_found(fragment: str, model_id: str, loader: str) -> None:
    assert loaders(fragment, model_id) == [loader]


def test_model_id_bound_to_a_variable_then_loaded() -> None:
    fragment = (
        'MODEL_NAME = "openai-community/gpt2"\n'
        "\n"
        "def load():\n"
        "    tok = AutoTokenizer.from_pretrained(MODEL_NAME)\n"
        "    return AutoModelForCausalLM.from_pretrained(MODEL_NAME)\n"
    )
    uses = find_uses(fragment, GPT2)
    assert {u.loader for u in uses} == {"from_pretrained"}
    assert {u.line for u in uses} == {0}  # the line where the id is written


def test_annotated_assignment_and_keyword_variable() -> None:
    fragment = 'model_id: str = "openai-community/gpt2"\ngen = pipeline("text-generation", model=model_id)'
    assert loaders(fragment) == ["pipeline"]


@pytest.mark.parametrize(
    "fragment",
    [
        '# model = AutoModel.from_pretrained("openai-community/gpt2")\nmodel = AutoModel.from_pretrained(args.model)',
        'model = AutoModel.from_pretrained(args.model)  # e.g. "openai-community/gpt2"',
        'def load():\n    """Example:\n        AutoModel.from_pretrained("openai-community/gpt2")\n    """\n    return None',
        '// const p = await pipeline("text-generation", "openai-community/gpt2");',
        'model = AutoModel.from_pretrained("https://huggingface.co/openai-community/gpt2")',
        'url = "https://huggingface.co/openai-community/gpt2"\nmodel = AutoModel.from_pretrained(local_dir)',
        'model = AutoModel.from_pretrained("openai-community/gpt2-large")',
        'model = AutoModel.from_pretrained("openai-community/gpt2-medium", cache_dir="openai-community/gpt2")',
        'MODELS = ["openai-community/gpt2", "openai-community/gpt2-xl"]\nprint(MODELS)',
        'print("openai-community/gpt2")\nmodel = AutoModel.from_pretrained(name)',
        'gen = pipeline("openai-community/gpt2")',
        'def from_pretrained(path="openai-community/gpt2"):\n    ...',
        'model = my_from_pretrained("openai-community/gpt2")',
        'model = timm.create_model("openai-community/gpt2")',
        'MODEL = "openai-community/gpt2"\nmodel = timm.create_model(MODEL)',
        'ckpt = torch.load("openai-community/gpt2")',
    ],
)
def test_look_alikes_are_rejected(fragment: str) -> None:
    assert find_uses(fragment, GPT2) == []


def test_legacy_id_is_not_matched_inside_namespaced_or_longer_ids() -> None:
    fragment = 'a = AutoModel.from_pretrained("openai-community/gpt2")\nb = AutoModel.from_pretrained("gpt2-xl")'
    assert find_uses(fragment, "gpt2") == []
    assert loaders('AutoModel.from_pretrained("gpt2")', "gpt2") == ["from_pretrained"]


def test_notebook_fragment_is_decoded() -> None:
    lines = [
        "from transformers import pipeline\n",
        'gen = pipeline("text-generation", model="openai-community/gpt2")\n',
    ]
    fragment = "\n".join("    " + json.dumps(line) + "," for line in lines)
    uses = find_uses(fragment, GPT2, notebook=True)
    assert [(u.line, u.loader) for u in uses] == [(1, "pipeline")]
    assert '\\"openai-community/gpt2\\"' in uses[0].text  # the line as the file has it, to locate it


def test_truncated_call_at_fragment_end_still_counts() -> None:
    assert loaders('model = AutoModelForCausalLM.from_pretrained(\n    "openai-community/gpt2",\n    device_map=') == [
        "from_pretrained"
    ]


def test_paths_and_queries() -> None:
    assert is_code_path("src/train.py") and is_code_path("notebooks/demo.ipynb") and is_code_path("web/app.js")
    assert not is_code_path("README.md") and not is_code_path("docs/usage.rst")
    queries = search_queries(GPT2)
    assert f'"{GPT2}" from_pretrained' in queries and f'"hf-hub:{GPT2}"' in queries
    assert len(set(queries)) == len(queries)
