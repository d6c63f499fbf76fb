"""The raw source contract as data: landing tables, their columns and primary keys.

The ingest step creates one ``raw.<table>`` per entry with every contract column as text
plus the load metadata columns; parsing and validation happen in dbt staging.
"""

from __future__ import annotations

from dataclasses import dataclass

LOAD_METADATA_COLUMNS: tuple[str, ...] = (
    "_source_file",  # basename of the landed file (file names sort in export order)
    "_file_hash",  # sha256 of the file's bytes
    "_row_number",  # 1-based data row inside the file
    "_loaded_at",  # UTC time the file was loaded
)


@dataclass(frozen=True)
class Table:
    name: str
    primary_key: str
    columns: tuple[str, ...]


_COMMON = ("updated_at", "is_deleted")


def _table(name: str, primary_key: str, columns: str) -> Table:
    return Table(name, primary_key, (*columns.split(), *_COMMON))


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(
            "branches",
            "branch_code",
            """branch_code branch_name region province org_type timezone
            opens_at closes_at open_weekdays""",
        ),
        _table(
            "technicians",
            "employee_id",
            "employee_id branch_code role full_name phone hired_on left_on",
        ),
        _table(
            "assets",
            "asset_id",
            """asset_id customer_id product_line sold_on warranty_end_on
            contract_start_on contract_end_on""",
        ),
        _table(
            "tickets",
            "ticket_id",
            """ticket_id branch_code customer_id asset_id advisor_id technician_id
            ticket_type fault_level is_internal opened_at appointment_booked_at
            appointment_at reminder_sent_at first_response_at arrived_at precheck_done
            precheck_form_used precheck_with_customer quoted_from_catalog promised_at
            work_started_at work_completed_at invoiced_at delivered_at
            explained_at_delivery status sold_hours labor_amount parts_amount
            warranty_claim rework_of_ticket_id""",
        ),
        _table(
            "part_requests",
            "request_line_id",
            """request_line_id ticket_id branch_code part_number part_class
            qty_requested qty_from_stock requested_at issued_at ordered_at received_at
            unit_price status""",
        ),
        _table(
            "time_punches",
            "punch_id",
            "punch_id employee_id branch_code punch_type ticket_id punched_at source",
        ),
        _table(
            "callbacks",
            "callback_id",
            """callback_id ticket_id attempted_at channel outcome satisfied nps_score
            problem_reported problem_resolved complaint comment""",
        ),
    )
}
