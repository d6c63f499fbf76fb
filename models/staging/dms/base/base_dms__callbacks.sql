{#- Every raw callbacks row (customer follow-up contacts), parsed, with its quarantine
    reasons (null = valid). The ticket is not checked: it may arrive in a later file. -#}

with raw_callbacks as (
    select * from {{ source('dms', 'callbacks') }}
),

parsed as (
    select
        {{ parse_text('callback_id') }} as callback_id,
        {{ parse_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp('attempted_at') }} as attempted_at,
        {{ parse_code('channel') }} as channel,
        {{ parse_code('outcome') }} as outcome,
        {{ parse_boolean('satisfied', nullable=true) }} as satisfied,
        {{ parse_integer('nps_score') }} as nps_score,
        {{ parse_boolean('problem_reported', nullable=true) }} as problem_reported,
        {{ parse_boolean('problem_resolved', nullable=true) }} as problem_resolved,
        {{ parse_boolean('complaint', nullable=true) }} as complaint,
        {{ parse_text('comment') }} as comment,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('callback_id'),
            reason_required('ticket_id'),
            reason_timestamp('attempted_at', required=true),
            reason_code('channel', ['phone', 'sms', 'wechat', 'letter']),
            reason_code('outcome', [
                'reached', 'no_answer', 'voicemail', 'letter_sent', 'refused', 'wrong_number',
            ]),
            reason_boolean('satisfied'),
            reason_integer('nps_score', required=false),
            reason_boolean('problem_reported'),
            reason_boolean('problem_resolved'),
            reason_boolean('complaint'),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _format_reason
    from raw_callbacks
),

checked as (
    select
        parsed.*,
        {{ collect_reasons([
            'parsed._format_reason',
            reason_if('parsed.nps_score < 0 or parsed.nps_score > 10', 'nps_out_of_range'),
        ]) }} as _quarantine_reason
    from parsed
),

final as (
    select
        callback_id,
        ticket_id,
        attempted_at,
        channel,
        outcome,
        satisfied,
        nps_score,
        problem_reported,
        problem_resolved,
        complaint,
        comment,
        updated_at,
        is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        _quarantine_reason
    from checked
)

select * from final
