import { EntitySchema } from '@mikro-orm/core';
import { MembershipApplication } from '../domain/application';
import { Institution } from '../domain/institution';

export const ApplicationSchema = new EntitySchema<MembershipApplication>({
  class: MembershipApplication,
  tableName: 'registry_applications',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    memberId: { type: 'string', length: 128, fieldName: 'member_id', unique: 'registry_applications_member_id_unique' },
    mspId: { type: 'string', length: 128, fieldName: 'msp_id' },
    name: { type: 'string', length: 200 },
    contactName: { type: 'string', length: 200, fieldName: 'contact_name' },
    contactEmail: { type: 'string', length: 254, fieldName: 'contact_email' },
    applicantUserId: { type: 'string', length: 128, fieldName: 'applicant_user_id', index: 'registry_applications_applicant_user_id_index' },
    nodeId: { type: 'string', length: 64, fieldName: 'node_id', index: 'registry_applications_node_id_index' },
    endpoint: { type: 'string', length: 2048 },
    nodePublicKey: { type: 'text', fieldName: 'node_public_key' },
    status: { type: 'string', length: 16 },
    reason: { type: 'text', nullable: true },
    submittedAt: { type: 'datetime', fieldName: 'submitted_at' },
    decidedAt: { type: 'datetime', nullable: true, fieldName: 'decided_at' },
    decidedBy: { type: 'string', length: 128, nullable: true, fieldName: 'decided_by' },
    decisionTxId: { type: 'string', length: 128, nullable: true, fieldName: 'decision_tx_id' },
    decisionBlock: { type: 'integer', nullable: true, fieldName: 'decision_block' },
    adminAppointedAt: { type: 'datetime', nullable: true, fieldName: 'admin_appointed_at' },
  },
});

export const InstitutionSchema = new EntitySchema<Institution>({
  class: Institution,
  tableName: 'registry_institutions',
  properties: {
    memberId: { type: 'string', length: 128, primary: true, fieldName: 'member_id' },
    name: { type: 'string', length: 200 },
    mspId: { type: 'string', length: 128, fieldName: 'msp_id' },
    nodeId: { type: 'string', length: 64, fieldName: 'node_id', unique: 'registry_institutions_node_id_unique' },
    endpoint: { type: 'string', length: 2048 },
    nodePublicKey: { type: 'text', fieldName: 'node_public_key' },
    admittedAt: { type: 'datetime', fieldName: 'admitted_at' },
    admissionTxId: { type: 'string', length: 128, fieldName: 'admission_tx_id' },
    admissionBlock: { type: 'integer', fieldName: 'admission_block' },
    nodeUpdateTxId: { type: 'string', length: 128, nullable: true, fieldName: 'node_update_tx_id' },
    nodeUpdateBlock: { type: 'integer', nullable: true, fieldName: 'node_update_block' },
    lastHeartbeatAt: { type: 'datetime', nullable: true, fieldName: 'last_heartbeat_at' },
    lastTest: { type: 'text', nullable: true, fieldName: 'last_test' },
  },
});

export const REGISTRY_ENTITIES = [ApplicationSchema, InstitutionSchema];
