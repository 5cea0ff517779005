"""Great Expectations Data Docs that work offline and name their file.

GX's site loads Bootstrap, jQuery, bootstrap-table and Font Awesome from CDNs and its logo
from S3, so with no network it is unstyled and its index lists nothing. A Data Docs site may
name its own view classes and site builder (site config `view`, `module_name`/`class_name`):
the views here put Ahual's copies of six GX 1.24.1 templates (templates/, only the asset URLs
changed) in front of GX's own, pointing every asset at `static/vendor/` inside the site; the
site builder copies the vendored files (vendor/, their licences in vendor/README.md) there
after every build. (GX's `custom_views_directory` cannot do this: it is searched after GX's
own templates, so it can add templates but never replace one.)

Each validation is named by its file: the run name is `<kind> <file> <sha12>`, and the stored
result is annotated with the file, its SHA-256 and its kind where the pages show them (GX has
no input for a dataframe's origin).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from pathlib import Path

import jinja2
from great_expectations.render.renderer.site_builder import SiteBuilder
from great_expectations.render.view.view import DefaultJinjaIndexPageView, DefaultJinjaPageView

log = logging.getLogger("ahual")
HERE = Path(__file__).parent
VENDOR = HERE / "vendor"
SITE_VENDOR = ("static", "vendor")
# sha256 of the GX 1.24.1 originals the templates were copied from: a GX that ships other
# originals is said in the log, so the copies are looked at again.
GX_ORIGINALS_SHA256 = {
    "page.j2": "e5069d47a8737ca6d6ec86c1a7842aa00f42f472a7523321e9cc0aec413ec3e1",
    "index_page.j2": "66a2fde8f842076ca82c0c01dfc3911bf0f6ee464fcbcb9dbeeb02d6420620e1",
    "js_script_imports.j2": "0966a7f75b3666c4e23bfd107e412a0c8b1286eaa66a06dc0f6aafd4df91b1fb",
    "top_navbar.j2": "9a0ddc8b6057090e45bf6de8d3cad2dbaa4c09e22d8f1e0acac1e481b7729e89",
    "favicon.j2": "47d28de9263c108c4f97d9af60a08567d0ed30215b59951c35e2bd3c6923c127",
    "cloud-footer.j2": "3934e362641fb04ac7e5a9146b422a5ff7a8208815e8fc8bec9f9192412afb6c",
}
_S3_IMAGE = re.compile(r"url\('https://great-expectations-web-assets\.s3[^']*'\)")


def gx_templates_changed() -> list[str]:
    """GX templates whose installed source differs from the originals copied here."""
    loader = jinja2.PackageLoader("great_expectations", "render/view/templates")
    env = jinja2.Environment()
    changed = []
    for name, digest in GX_ORIGINALS_SHA256.items():
        try:
            source, _, _ = loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            changed.append(name)
            continue
        if hashlib.sha256(source.encode()).hexdigest() != digest:
            changed.append(name)
    return changed


def page_root(document) -> str:
    """The relative path from a rendered page to the site root (the arithmetic of GX's own
    navbar link: a suite name's dots are folders)."""
    get = document.get if isinstance(document, dict) else (lambda k: getattr(document, k, None))
    renderer = get("renderer_type") or ""
    dots = (get("expectation_suite_name") or "").count(".")
    if "ValidationResults" in renderer or "ProfilingResults" in renderer:
        return "../" * (dots + 4)
    if "ExpectationSuite" in renderer:
        return "../" * (dots + 1)
    return ""


class _CompiledTemplates(jinja2.BytecodeCache):
    """GX makes a new Jinja environment for every page it renders, and compiling its templates
    again cost more than the rest of a site build: keep the compiled code for the process."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class _OfflineView:
    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory=custom_styles_directory,
                         custom_views_directory=custom_views_directory)
        gx_loader = self.env.loader
        styles = {}
        try:  # GX inlines its stylesheet; its dark-mode logo comes from S3
            css, _, _ = gx_loader.get_source(self.env, "data_docs_default_styles.css")
            styles["data_docs_default_styles.css"] = _S3_IMAGE.sub("none", css)
        except jinja2.TemplateNotFound:
            pass
        self.env.loader = jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(HERE / "templates"), jinja2.DictLoader(styles), gx_loader])
        self.env.bytecode_cache = _COMPILED

    def render(self, document, template=None, **kwargs):
        root = page_root(document)
        kwargs.setdefault("ahual_root", root)
        kwargs.setdefault("ahual_vendor", root + "/".join(SITE_VENDOR) + "/")
        return super().render(document, template=template, **kwargs)


class OfflineJinjaPageView(_OfflineView, DefaultJinjaPageView):
    """GX's page view (validations, suites) with local assets."""


class OfflineJinjaIndexPageView(_OfflineView, DefaultJinjaIndexPageView):
    """GX's index view with local assets."""


class OfflineSiteBuilder(SiteBuilder):
    """GX's site builder, which also copies the vendored assets into the site."""

    def build(self, resource_identifiers=None, build_index: bool = True):
        result = super().build(resource_identifiers=resource_identifiers,
                               build_index=build_index)
        publish_vendor(self.target_store.store_backends["static_assets"])
        return result


def publish_vendor(backend) -> None:
    for path in sorted(VENDOR.rglob("*")):
        if not path.is_file() or path.name in {"package.json", "README.md"}:
            continue
        key = SITE_VENDOR + path.relative_to(VENDOR).parts
        if backend.has_key(key):
            continue
        content_type, encoding = mimetypes.guess_type(path.name, strict=False)
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        backend.set(key, path.read_bytes(), content_type=content_type or
                    "application/octet-stream", content_encoding=encoding)


def site_config(base_directory: str = "uncommitted/data_docs/local_site/") -> dict:
    """The `local_site` of Ahual's GX project."""
    view = {"module_name": __name__, "class_name": "OfflineJinjaPageView"}
    return {
        "module_name": __name__, "class_name": "OfflineSiteBuilder",
        "show_how_to_buttons": False,  # links to GX's website, and a walkthrough pop-up
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": base_directory},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder",
                               "view": {"module_name": __name__,
                                        "class_name": "OfflineJinjaIndexPageView"}},
        "site_section_builders": {
            "expectations": {"view": dict(view)},
            # GX hides runs whose name contains "profiling": a file of that name would vanish
            "validations": {"view": dict(view),
                            "run_name_filter": {"not_equals": "__ahual_every_run__"}},
            "profiling": "None",
        },
    }


def configure(context) -> None:
    """Make the context's local_site the offline one (persisted in great_expectations.yml)."""
    changed = gx_templates_changed()
    if changed:
        log.warning("GX templates differ from the ones Ahual's Data Docs copy: %s",
                    ", ".join(changed))
    config = site_config()
    if "local_site" in (context.list_data_docs_sites() or {}):
        context.update_data_docs_site("local_site", config)
    else:
        context.add_data_docs_site("local_site", config)


def name_result(result, *, file_name: str, sha256: str | None, kind: str) -> None:
    """Say which file a stored validation result belongs to, where the pages show it."""
    meta = result.meta
    spec = dict(meta.get("batch_spec") or {})
    spec["data_asset_name"] = file_name
    meta["batch_spec"] = spec
    markers = meta.get("batch_markers")
    if markers is None:
        markers = meta["batch_markers"] = {}
    markers["ahual_file"] = file_name
    markers["ahual_kind"] = kind
    if sha256:
        markers["ahual_sha256"] = sha256
    parameters = meta.get("batch_parameters")
    if isinstance(parameters, dict) and parameters.get("dataframe") == "<DATAFRAME>":
        parameters["dataframe"] = f"{file_name} ({kind}" + (f", SHA-256 {sha256}" if sha256
                                                            else "") + ")"
