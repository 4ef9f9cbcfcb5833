import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectTraits } from '../dialect-traits.js';

/** The first catalog schema. Every backend runs the same migrations; differences come from its traits. */
export const initial = (t: DialectTraits): Migration => ({ up: (db) => up(db, t) });

async function up(db: Kysely<unknown>, t: DialectTraits): Promise<void> {
  const bigint = 'bigint' as const;
  await db.schema
    .createTable('sources')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('uri', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('checkpoints')
    .addColumn('source_id', 'integer', (c) => c.primaryKey().references('sources.id'))
    .addColumn('offset', bigint, (c) => c.notNull())
    .addColumn('line', bigint, (c) => c.notNull())
    .addColumn('file_size', bigint, (c) => c.notNull())
    .addColumn('file_id', 'text')
    .addColumn('head_hash', 'text')
    .addColumn('tail_hash', 'text')
    .addColumn('updated_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('data_files')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('partition', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('rows', bigint, (c) => c.notNull())
    .addColumn('bytes', bigint, (c) => c.notNull())
    .addColumn('min_time', bigint, (c) => c.notNull())
    .addColumn('max_time', bigint, (c) => c.notNull())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('task_id', 'integer')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('data_files_partition')
    .on('data_files')
    .columns(['dataset', 'partition'])
    .execute();
  await db.schema
    .createTable('partitions')
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('partition', 'text', (c) => c.notNull())
    .addColumn('rows', bigint, (c) => c.notNull())
    .addColumn('files', 'integer', (c) => c.notNull())
    .addColumn('bytes', bigint, (c) => c.notNull())
    .addColumn('min_time', bigint, (c) => c.notNull())
    .addColumn('max_time', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('partitions_pk', ['dataset', 'partition'])
    .execute();
  await db.schema
    .createTable('schema_versions')
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('field_set', 'text', (c) => c.notNull())
    .addColumn('columns', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('schema_versions_pk', ['dataset', 'version'])
    .addUniqueConstraint('schema_versions_field_set', ['dataset', 'field_set'])
    .execute();
  await db.schema
    .createTable('lineage')
    .addColumn('data_file_id', 'integer', (c) => c.notNull())
    .addColumn('source_id', 'integer', (c) => c.notNull())
    .addColumn('start_offset', bigint, (c) => c.notNull())
    .addColumn('end_offset', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lineage_file').on('lineage').column('data_file_id').execute();
  await db.schema
    .createTable('quality_metrics')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('task_id', 'integer', (c) => c.notNull())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('numerator', bigint, (c) => c.notNull())
    .addColumn('denominator', bigint, (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', bigint, (c) => c.notNull())
    .addColumn('ended_at', bigint)
    .addColumn('args', 'text')
    .addColumn('counts', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createTable('conversations')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('is_group', 'integer', (c) => c.notNull())
    .addColumn('first_at', bigint, (c) => c.notNull())
    .addColumn('last_at', bigint, (c) => c.notNull())
    .addColumn('message_count', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('conversations_pk', ['platform', 'conversation_id'])
    .execute();
  await db.schema
    .createTable('contacts')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('contact_type', 'text', (c) => c.notNull())
    .addColumn('alias', 'text')
    .addColumn('nickname', 'text')
    .addColumn('remark', 'text')
    .addColumn('member_count', 'integer')
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('observed_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('contacts_pk', ['platform', 'contact_id'])
    .execute();
  await db.schema
    .createTable('record_keys')
    .addColumn('dataset', 'text', (c) => t.bytewiseText(c).notNull())
    .addColumn('platform', 'text', (c) => t.bytewiseText(c).notNull())
    .addColumn('record_key', 'text', (c) => t.bytewiseText(c).notNull())
    .addColumn('partition', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_keys_pk', ['dataset', 'platform', 'record_key'])
    .modifyEnd(sql.raw(t.clusteredKeySuffix))
    .execute();
  await db.schema
    .createTable('revocations')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('revoke_id', 'text', (c) => c.notNull())
    .addColumn('revoked_at', bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('revocations_pk', ['platform', 'message_id'])
    .execute();
  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'integer', (c) => t.autoId(c))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('line', bigint)
    .addColumn('byte_offset', bigint)
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', t.blobType, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('task_id', 'integer')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('resolved_at', bigint)
    .execute();
  await db.schema.createIndex('quarantine_status').on('quarantine').columns(['status', 'id']).execute();
}
