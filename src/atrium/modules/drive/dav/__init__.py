"""WebDAV access to a person's drives at `/dav/` (see docs/webdav.md): `app` serves it,
`resources` maps drives, folders and files to WebDAV, `writes` sends every change through
the drive's actions."""
