"""A writer for the cpio "newc" archive format (the one swupdate's .swu and the initramfs use).

Format: each member is a 110-byte ASCII header (magic 070701 and 13 eight-digit hex fields), the
NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes; a `TRAILER!!!` member ends it.
"""

from collections.abc import Sequence

MAGIC = b"070701"
TRAILER = "TRAILER!!!"
REGULAR_FILE = 0o100644


def _pad(length: int) -> bytes:
    return b"\0" * (-length % 4)


def _member(name: str, data: bytes, inode: int, mode: int) -> bytes:
    encoded = name.encode() + b"\0"
    fields = (inode, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0)
    header = MAGIC + b"".join(b"%08X" % value for value in fields)
    return header + encoded + _pad(len(header) + len(encoded)) + data + _pad(len(data))


def newc_archive(members: Sequence[tuple[str, bytes]]) -> bytes:
    """The members, in the order given, as regular files owned by root, then the trailer."""
    parts = [_member(name, data, inode, REGULAR_FILE) for inode, (name, data) in enumerate(members, start=1)]
    return b"".join(parts) + _member(TRAILER, b"", 0, 0)


def newc_members(archive: bytes) -> list[tuple[str, bytes]]:
    """The regular-file members of a newc archive, in order, up to its trailer."""
    members, offset = [], 0
    while True:
        header = archive[offset:offset + 110]
        if len(header) < 110 or header[:6] not in (MAGIC, b"070702"):
            raise ValueError(f"no newc header at offset {offset}")
        size, name_size = int(header[54:62], 16), int(header[94:102], 16)
        name_end = offset + 110 + name_size
        name = archive[offset + 110:name_end - 1].decode()
        data_start = name_end + (-name_end % 4)
        if name == TRAILER:
            return members
        members.append((name, archive[data_start:data_start + size]))
        offset = data_start + size + (-(data_start + size) % 4)
