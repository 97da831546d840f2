// A small service used only by the messaging tests: real NestJS, real NATS, real SQLite.
import { Controller, Inject, Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { CqrsModule, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { Payload } from '@nestjs/microservices';
import { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineCommand, defineEvent, PhdmfError, type ActingUser } from '@phdmf/contracts';
import { Correlation, type Logger } from '@phdmf/logging';
import { createOrmOptions, migrate, SchemaMigration, type PersistenceSettings } from '@phdmf/persistence';
import type { NatsConnection } from 'nats';
import { Actor, eventConsumerSpec, HandleRequest, MESSAGING_ENTITIES, MESSAGING_MIGRATIONS, MessagingModule, Outbox, provisionEventStream, startService, type ProvisionReport } from '../src';

// ---- contracts (test-only subjects) ----
export class EchoPayload {
  @IsString()
  @Length(1, 100)
  text!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  delayMs?: number;
}
export interface EchoResult {
  text: string;
  correlationId: string | undefined;
  actorUserId: string | undefined;
}
export const Echo = defineCommand<EchoPayload, EchoResult>('phdmf.accounts.cmd.test-echo.v1', EchoPayload);
/** A subject no handler serves: a test's raw subscriber takes it, to see what a request carried. */
export const Silent = defineCommand<EchoPayload, never>('phdmf.accounts.cmd.test-silent.v1', EchoPayload);

export class RefusePayload {
  @IsString()
  kind!: 'coded' | 'plain';
}
export const Refuse = defineCommand<RefusePayload, never>('phdmf.accounts.cmd.test-refuse.v1', RefusePayload);

export class ThingHappenedPayload {
  @IsString()
  thingId!: string;

  @IsInt()
  value!: number;
}
export const ThingHappened = defineEvent('phdmf.evt.test.thing-happened.v1', ThingHappenedPayload);

export class CreateThingPayload {
  @IsString()
  thingId!: string;

  @IsInt()
  value!: number;
}
export const CreateThing = defineCommand<CreateThingPayload, { eventId: string }>('phdmf.accounts.cmd.test-create-thing.v1', CreateThingPayload);

// ---- persistence ----
export class ThingEffect {
  id!: number;
  thingId!: string;
  source!: string;
}
const ThingEffectSchema = new EntitySchema<ThingEffect>({
  class: ThingEffect,
  tableName: 'test_thing_effects',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    thingId: { type: 'string', fieldName: 'thing_id' },
    source: { type: 'string' },
  },
});
class Migration20261123000100TestThings extends SchemaMigration {
  override up(): void {
    this.schema((s) =>
      s.createTable('test_thing_effects', (t) => {
        t.increments('id').primary();
        t.string('thing_id', 255).notNullable();
        t.string('source', 255).notNullable();
      }),
    );
  }
}

export function persistenceSettings(dataDir: string, databaseUrl?: string): PersistenceSettings {
  return {
    service: 'accounts',
    dataDir,
    databaseUrl,
    entities: [...MESSAGING_ENTITIES, ThingEffectSchema],
    migrations: [...MESSAGING_MIGRATIONS, { name: 'Migration20261123000100TestThings', class: Migration20261123000100TestThings }],
  };
}

// ---- behaviour knobs shared with the tests ----
export const knobs = { failuresBeforeSuccess: 0, attempts: 0 };

@EventsHandler(ThingHappenedPayload)
export class RecordThingHandler implements IEventHandler<ThingHappenedPayload> {
  constructor(private readonly em: EntityManager) {}

  async handle(event: ThingHappenedPayload): Promise<void> {
    knobs.attempts += 1;
    // The effect is written before the failure, so a failed attempt proves it was rolled back.
    this.em.persist(this.em.create(ThingEffect, { thingId: event.thingId, source: 'event' }));
    await this.em.flush();
    if (knobs.attempts <= knobs.failuresBeforeSuccess) throw new Error(`planned failure ${knobs.attempts}`);
  }
}

@Injectable()
class ThingService {
  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: Outbox,
  ) {}

  async create(p: CreateThingPayload): Promise<{ eventId: string }> {
    return this.orm.em.fork().transactional((em) => {
      em.persist(em.create(ThingEffect, { thingId: p.thingId, source: 'command' }));
      const eventId = this.outbox.enqueue(em, ThingHappened, { thingId: p.thingId, value: p.value });
      return Promise.resolve({ eventId });
    });
  }
}

@Controller()
class FixtureController {
  constructor(@Inject(ThingService) private readonly things: ThingService) {}

  // The actor by its parameter decorator (the payload then by its own): what the services' handlers use.
  @HandleRequest(Echo)
  async echo(@Payload() p: EchoPayload, @Actor() actor: ActingUser | undefined): Promise<EchoResult> {
    if (p.delayMs) await new Promise((r) => setTimeout(r, p.delayMs));
    return { text: p.text, correlationId: Correlation.current()?.correlationId, actorUserId: actor?.userId };
  }

  @HandleRequest(Refuse)
  refuse(p: RefusePayload): never {
    if (p.kind === 'coded') throw new PhdmfError('TEST.REFUSED', 'refused on purpose', { reason: 'test' });
    throw new Error('kaput');
  }

  @HandleRequest(CreateThing)
  create(p: CreateThingPayload): Promise<{ eventId: string }> {
    return this.things.create(p);
  }
}

export interface FixtureOptions {
  natsUrl: string;
  dataDir: string;
  databaseUrl?: string;
  logger: Logger;
  relay?: boolean;
  consume?: boolean;
}

@Module({})
class FixtureModule {
  static forRoot(o: FixtureOptions): DynamicModule {
    return {
      module: FixtureModule,
      imports: [
        CqrsModule.forRoot(),
        MikroOrmModule.forRoot(createOrmOptions(persistenceSettings(o.dataDir, o.databaseUrl))),
        MessagingModule.forRoot({
          service: 'accounts',
          version: 'test',
          servers: [o.natsUrl],
          requestTimeoutMs: 2_000,
          logger: o.logger,
          events: { consume: o.consume ?? true },
          outbox: { relay: o.relay ?? true, pollIntervalMs: 100 },
        }),
      ],
      controllers: [FixtureController],
      providers: [ThingService, RecordThingHandler],
    };
  }
}

/** What the platform would create for the fixture (a service named `accounts` that consumes): the stream and its durable. */
export function provisionFixture(nc: NatsConnection): Promise<ProvisionReport> {
  return provisionEventStream(nc, [eventConsumerSpec('accounts')]);
}

export async function startFixture(o: FixtureOptions): Promise<INestApplication> {
  await migrate(persistenceSettings(o.dataDir, o.databaseUrl));
  return startService(FixtureModule.forRoot(o), { logger: o.logger });
}

export async function countEffects(app: INestApplication, thingId: string, source: string): Promise<number> {
  return app.get(MikroORM).em.fork().count(ThingEffect, { thingId, source });
}
