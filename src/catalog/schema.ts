import type { Generated } from 'kysely';

/** The catalog's tables as Kysely sees them. Times are epoch milliseconds. */
export interface CatalogSchema {
  lake_settings: { key: string; value: string };
  sources: { id: Generated<number>; uri: string; kind: string; platform: string; created_at: number };
  checkpoints: { source_id: number; cursor: string; updated_at: number };
  data_files: {
    id: Generated<number>;
    dataset: string;
    partition: string;
    path: string;
    rows: number;
    bytes: number;
    min_time: number;
    max_time: number;
    schema_version: number;
    task_id: number | null;
    created_at: number;
  };
  partitions: {
    dataset: string;
    partition: string;
    rows: number;
    files: number;
    bytes: number;
    min_time: number;
    max_time: number;
  };
  schema_versions: {
    dataset: string;
    version: number;
    field_set: string;
    columns: string;
    first_seen_at: number;
  };
  lineage: { data_file_id: number; source_id: number; start_offset: number; end_offset: number };
  quality_metrics: {
    id: Generated<number>;
    task_id: number;
    dataset: string;
    metric: string;
    numerator: number;
    denominator: number;
    value: number;
    created_at: number;
  };
  tasks: {
    id: Generated<number>;
    kind: string;
    status: string;
    started_at: number;
    ended_at: number | null;
    args: string | null;
    counts: string | null;
    error: string | null;
  };
  conversations: {
    platform: string;
    conversation_id: string;
    is_group: number;
    first_at: number;
    last_at: number;
    message_count: number;
    metadata: string | null;
    created_at: number | null;
    updated_at: number | null;
  };
  contacts: {
    platform: string;
    contact_id: string;
    account_id: string | null;
    contact_type: string;
    alias: string | null;
    nickname: string | null;
    remark: string | null;
    member_count: number | null;
    deleted: number;
    observed_at: number;
  };
  record_keys: { dataset: string; platform: string; record_key: string; partition: string };
  revocations: {
    platform: string;
    message_id: string;
    revoke_id: string;
    revoked_at: number;
  };
  quarantine: {
    id: Generated<number>;
    source: string;
    line: number | null;
    byte_offset: number | null;
    reason: string;
    raw: Uint8Array;
    status: string;
    task_id: number | null;
    created_at: number;
    resolved_at: number | null;
    content_hash: string;
    seen: number;
    last_seen_at: number;
    dismiss_reason: string | null;
  };
  hot_records: {
    id: Generated<number>;
    dataset: string;
    platform: string;
    record_key: string;
    partition: string;
    time: number;
    conversation_id: string | null;
    record: string;
    bytes: number;
    accepted_at: number;
  };
  participants: {
    platform: string;
    conversation_id: string;
    participant_id: string;
    role: string;
    joined_at: number;
  };
  message_changes: {
    platform: string;
    message_id: string;
    version: number;
    change: string;
    text: string | null;
    actor: string | null;
    at: number;
  };
  message_acks: {
    platform: string;
    message_id: string;
    participant_id: string;
    delivered_at: number | null;
    read_at: number | null;
  };
  api_tokens: {
    id: Generated<number>;
    name: string;
    scopes: string;
    token_hash: string;
    created_at: number;
    revoked_at: number | null;
  };
  idempotency_keys: {
    scope: string;
    key: string;
    request_hash: string;
    status: string;
    response_status: number | null;
    response_body: string | null;
    created_at: number;
  };
  audit_log: {
    id: Generated<number>;
    at: number;
    actor: string;
    action: string;
    target: string;
    detail: string;
    prev_hash: string;
    hash: string;
  };
}
