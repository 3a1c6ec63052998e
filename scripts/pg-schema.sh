#!/bin/sh
# Derive prisma/postgres/schema.prisma from prisma/schema.prisma (SQLite, the one to edit).
# Prisma fixes the provider per schema file, so PostgreSQL gets its own copy, its own
# migrations folder (prisma/postgres/migrations) and its own generated client
# (generated/prisma-pg). Run from the repo root after editing prisma/schema.prisma, then
# create a migration for both providers (see docs/database.md).
set -e
cd "$(dirname "$0")/.."
mkdir -p prisma/postgres
sed -e 's/provider = "sqlite"/provider = "postgresql"/' \
    -e 's#url      = "file:./dev.db".*#url      = env("DATABASE_URL") // ignored (prisma.config.ts supplies the adapter) but required by 6.19#' \
    -e 's#output     = "../generated/prisma"#output     = "../../generated/prisma-pg"#' \
    -e '1,2s#^// SQLite (default).*#// GENERATED from prisma/schema.prisma by scripts/pg-schema.sh -- do not edit.#' \
    -e '2s#^// scripts/pg-schema.sh. Keep it portable.*#// PostgreSQL variant; the models are identical.#' \
    prisma/schema.prisma > prisma/postgres/schema.prisma
# The substitutions above must all have happened, or the copy is silently wrong.
grep -q 'provider = "postgresql"' prisma/postgres/schema.prisma
grep -q 'output     = "../../generated/prisma-pg"' prisma/postgres/schema.prisma
grep -q 'env("DATABASE_URL")' prisma/postgres/schema.prisma
echo "wrote prisma/postgres/schema.prisma"
