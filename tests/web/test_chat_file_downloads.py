"""Chat files stream through the kernel's download responses: ranges, ETags, a streamed
body (never a file read whole into memory), the same safety headers."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse

from tests.web.chat_world import Chat, client, make_chat


@pytest.fixture
def chat(db) -> Chat:
    return make_chat()


def test_chat_files_stream_with_ranges_and_etags(chat: Chat):
    browser = client(chat, "member")
    whole = browser.get(f"/chat/files/{chat.file_id}")
    assert isinstance(whole, StreamingHttpResponse)
    data = b"".join(whole.streaming_content)
    assert whole["Accept-Ranges"] == "bytes" and whole["Cache-Control"] == "private, max-age=3600"
    part = browser.get(f"/chat/files/{chat.file_id}", HTTP_RANGE="bytes=1-3")
    assert part.status_code == 206 and b"".join(part.streaming_content) == data[1:4]
    again = browser.get(f"/chat/files/{chat.file_id}", HTTP_IF_NONE_MATCH=whole["ETag"])
    assert again.status_code == 304
    assert client(chat, "outsider").get(f"/chat/files/{chat.file_id}").status_code == 404
