"""The drive benchmark's tables (Markdown, as docs/benchmarks.md shows them) and goals."""

from __future__ import annotations

from typing import Any

from drivebench.cases import MiB, Timing, Transfer


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def memory(t: Transfer) -> str:
    if not t.peak_kib:
        return "–"
    return f"{max(t.before_kib) / 1024:.0f} → {max(t.peak_kib) / 1024:.0f}"


def throughput(rows: list[Transfer], copy: Transfer) -> list[str]:
    out = ["| case | median s | MiB/s | of cp speed | server RSS MiB (before → peak) | runs (s) |",
           "|---|---|---|---|---|---|"]
    for t in rows:
        ratio = copy.median / t.median
        out.append(f"| {t.name} | {t.median:.2f} | {t.mb_s():.0f} | {ratio:.0%} | "
                   f"{memory(t)} | {', '.join(f'{s:.2f}' for s in t.seconds)} |")
    return out


def listing(rows: list[Timing]) -> list[str]:
    out = ["| request | p50 ms | p95 ms | answer |", "|---|---|---|---|"]
    for t in rows:
        out.append(f"| {t.name} | {ms(t.p50)} | {ms(t.p95)} | {t.note} |")
    return out


def zipped(t: Transfer, download: Transfer) -> list[str]:
    ratio = t.mb_s() / download.mb_s()
    return ["| case | first byte s | total s | MiB/s | of file download speed | "
            "server RSS MiB (before → peak) |", "|---|---|---|---|---|---|",
            f"| {t.name}, {t.size / MiB:,.0f} MiB | "
            f"{', '.join(f'{s:.3f}' for s in t.first_byte)} | "
            f"{', '.join(f'{s:.1f}' for s in t.seconds)} | {t.mb_s():.0f} | {ratio:.0%} | "
            f"{memory(t)} |"]


def dedup(d: dict[str, Any]) -> list[str]:
    logical = d["people"] * d["size"]
    return ["| figure | bytes | MiB |", "|---|---|---|",
            f"| logical: {d['people']} people × {d['size'] / MiB:.0f} MiB | {logical:,} | "
            f"{logical / MiB:,.1f} |",
            f"| blob folder growth, `du -sb` (apparent) | {d['du_apparent']:,} | "
            f"{d['du_apparent'] / MiB:,.1f} |",
            f"| blob folder growth, `du -sB1` (disk blocks) | {d['du_blocks']:,} | "
            f"{d['du_blocks'] / MiB:,.1f} |",
            f"| `/api/v1/drive/dedup` stored_bytes growth | {d['api_stored']:,} | "
            f"{d['api_stored'] / MiB:,.1f} |",
            f"| `/api/v1/drive/dedup` logical_bytes growth | {d['api_logical']:,} | "
            f"{d['api_logical'] / MiB:,.1f} |",
            f"| `/api/v1/drive/dedup` saved_bytes growth | {d['api_saved']:,} | "
            f"{d['api_saved'] / MiB:,.1f} |",
            "", f"Each upload (multipart, the API): median {d['upload_p50']:.2f} s, slowest "
            f"{d['upload_max']:.2f} s."]


def goals(download: Transfer, copy: Transfer, list_page: Timing, html_page: Timing | None,
          zip_t: Transfer, dd: dict[str, Any]) -> list[str]:
    ratio = copy.median / download.median
    page = html_page or list_page
    first = max(zip_t.first_byte)
    stored = dd["du_apparent"]
    return [
        f"- Download ≥ 50 % of the copy speed: {ratio:.0%} — "
        f"{'met' if ratio >= 0.5 else 'NOT met'}.",
        f"- Listing of the 10,000-file folder < 150 ms ({page.name}, p95): "
        f"{ms(page.p95)} ms — {'met' if page.p95 < 0.150 else 'NOT met'}"
        f" (API first page p95 {ms(list_page.p95)} ms).",
        f"- Folder ZIP starts streaming < 1 s: slowest first byte {first:.3f} s — "
        f"{'met' if first < 1 else 'NOT met'}.",
        f"- Dedup: {dd['people']} × {dd['size'] / MiB:.0f} MiB store "
        f"{stored / MiB:.1f} MiB — {'met' if stored <= dd['size'] * 1.01 else 'NOT met'}.",
    ]
