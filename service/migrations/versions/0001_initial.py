"""The first schema: employers, vacancies, candidates (+ protected attributes apart), outcomes.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _stamp() -> sa.Column:
    return sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "employers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _stamp(),
        sa.PrimaryKeyConstraint("id", name="pk_employers"),
    )
    op.create_table(
        "vacancies",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("employer_id", sa.String(64), nullable=False),
        sa.Column("pc4", sa.String(4), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _stamp(),
        sa.PrimaryKeyConstraint("id", name="pk_vacancies"),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name="fk_vacancies_employer_id_employers"
        ),
    )
    op.create_index("ix_vacancies_employer_id", "vacancies", ["employer_id"])
    op.create_index("ix_vacancies_pc4", "vacancies", ["pc4"])
    op.create_table(
        "candidates",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("pc4", sa.String(4), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _stamp(),
        sa.PrimaryKeyConstraint("id", name="pk_candidates"),
    )
    op.create_index("ix_candidates_pc4", "candidates", ["pc4"])
    op.create_table(
        "candidate_protected",
        sa.Column("candidate_id", sa.String(64), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(16), nullable=True),
        sa.Column("nationality", sa.String(64), nullable=True),
        sa.Column("migration_background", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("candidate_id", name="pk_candidate_protected"),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name="fk_candidate_protected_candidate_id_candidates",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.String(64), nullable=False),
        sa.Column("vacancy_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _stamp(),
        sa.PrimaryKeyConstraint("id", name="pk_outcomes"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name="fk_outcomes_candidate_id_candidates"
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancies.id"], name="fk_outcomes_vacancy_id_vacancies"
        ),
        sa.UniqueConstraint(
            "candidate_id",
            "vacancy_id",
            "status",
            "at",
            name="uq_outcomes_candidate_id_vacancy_id_status_at",
        ),
    )
    op.create_index("ix_outcomes_vacancy_id", "outcomes", ["vacancy_id"])


def downgrade() -> None:
    op.drop_table("outcomes")
    op.drop_table("candidate_protected")
    op.drop_table("candidates")
    op.drop_table("vacancies")
    op.drop_table("employers")
