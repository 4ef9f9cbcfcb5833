import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectTraits } from '../dialect-traits.js';

/**
 * What the service needs: the hot tier (accepted records not yet in Parquet), conversation metadata and
 * participants, message changes (edits, deletions) and acknowledgements, API tokens, idempotency keys and
 * the hash-chained audit log.
 */
export const service = (t: DialectTraits): Migration => ({ up: (db) => up(db, t) });

async function up(db: Kysely<unknown>, t: DialectTraits): Promise<void> {
  const bigint = 'bigint' as const;
  await db.schema
    .createTable('hot_records')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => t.bytewiseText(c.notNull()))
    .addColumn('partition', 'text', (c) => c.notNull())
    .addColumn('time', bigint, (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => t.bytewiseText(c))
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('hot_records_key')
    .unique()
    .on('hot_records')
    .columns(['dataset', 'platform', 'record_key'])
    .execute();
  await db.schema
    .createIndex('hot_records_conversation')
    .on('hot_records')
    .columns(['platform', 'conversation_id', 'time', 'record_key'])
    .execute();

  await db.schema.alterTable('conversations').addColumn('metadata', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('created_at', bigint).execute();
  await db.schema.alterTable('conversations').addColumn('updated_at', bigint).execute();
  await db.schema
    .createTable('participants')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('participants_pk', ['platform', 'conversation_id', 'participant_id'])
    .modifyEnd(sql.raw(t.clusteredKeySuffix))
    .execute();
  await db.schema
    .createTable('message_changes')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('actor', 'text')
    .addColumn('at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_changes_pk', ['platform', 'message_id', 'version'])
    .modifyEnd(sql.raw(t.clusteredKeySuffix))
    .execute();
  await db.schema
    .createTable('message_acks')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('delivered_at', bigint)
    .addColumn('read_at', bigint)
    .addPrimaryKeyConstraint('message_acks_pk', ['platform', 'message_id', 'participant_id'])
    .modifyEnd(sql.raw(t.clusteredKeySuffix))
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('revoked_at', bigint)
    .execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute();
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('at', bigint, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
}
