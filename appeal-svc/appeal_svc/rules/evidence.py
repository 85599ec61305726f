"""Evidence files: allowed types (checked by content, not by the declared name) and size limits."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass

from getihu_kit.errors import InvalidInput, UnsupportedMedia
from getihu_kit.parameters import DatedParameter

MAX_EVIDENCE_BYTES = DatedParameter.of("max_evidence_bytes", 10 * 1024 * 1024, dt.date(2024, 1, 1),
                                        "平台规定：每个证明材料不超过10 MB")
MAX_EVIDENCE_FILES = DatedParameter.of("max_evidence_files", 10, dt.date(2024, 1, 1),
                                        "平台规定：每次提交不超过10个证明材料")

# Declared type -> the bytes such a file starts with.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
TYPE_NAMES = "PDF、JPEG、PNG"


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes
    sha256: str


def check_evidence(files: list[tuple[str, str, str]], *, field: str, max_bytes: int,
                   max_files: int) -> list[CheckedFile]:
    """附件1 一(三)3：经营者“可以通过…异议申诉模块提出”异议，并附证明材料。

    Each (filename, content_type, base64 content) must be a PDF, JPEG or PNG whose bytes match
    its declared type, non-empty and within the size limit; at most `max_files` per submission.
    """
    if len(files) > max_files:
        raise InvalidInput(f"证明材料一次最多提交{max_files}个，本次提交了{len(files)}个", field=field)
    out = []
    for i, (filename, content_type, encoded) in enumerate(files):
        where = f"{field}.{i}"
        if content_type not in SIGNATURES:
            raise UnsupportedMedia(f"证明材料“{filename}”的类型 {content_type} 不支持，只接受 {TYPE_NAMES}",
                                   field=f"{where}.content_type")
        if len(encoded) > (max_bytes + 2) // 3 * 4 + 4:
            raise InvalidInput(f"证明材料“{filename}”超过 {max_bytes // (1024 * 1024)} MB 上限",
                               field=f"{where}.content_base64", code="evidence_too_large")
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(f"证明材料“{filename}”的内容不是合法的 Base64 编码",
                               field=f"{where}.content_base64") from None
        if not content:
            raise InvalidInput(f"证明材料“{filename}”是空文件", field=f"{where}.content_base64")
        if len(content) > max_bytes:
            raise InvalidInput(f"证明材料“{filename}”超过 {max_bytes // (1024 * 1024)} MB 上限",
                               field=f"{where}.content_base64", code="evidence_too_large")
        if not content.startswith(SIGNATURES[content_type]):
            raise UnsupportedMedia(f"证明材料“{filename}”的内容与声明的类型 {content_type} 不符，"
                                   f"请上传真实的 {TYPE_NAMES} 文件", field=f"{where}.content_base64")
        out.append(CheckedFile(filename, content_type, content, hashlib.sha256(content).hexdigest()))
    return out
