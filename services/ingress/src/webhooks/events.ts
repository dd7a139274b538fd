/**
 * The provider's event bodies (the predecessor's payload), one zod schema per event type, and
 * their mapping to the PersonChange Avro record (schemas/person-change.avsc).
 *
 * The body comes from a stranger (after the signature check, from a provider we trust to be
 * careless), so every string is bounded and unknown keys are stripped rather than passed on.
 */
import { z, type PersonChangeRecord } from '@bgs/platform';

export const EVENT_TYPES = [
  'person.role_change',
  'person.promotion',
  'person.department_change',
  'person.company_change',
  'company.acquisition',
  'company.restructuring',
  'company.executive_turnover',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const MAX_ID = 200;
const MAX_TEXT = 500;
const MAX_CHANGE_VALUE = 2000;
const MAX_CHANGED_FIELDS = 50;

const eventId = z
  .string()
  .regex(
    /^[A-Za-z0-9._:-]{1,200}$/,
    'must be 1 to 200 characters of A-Z, a-z, 0-9, ".", "_", ":", "-"',
  );

/** Whether `value` may be an event id (the operator's new id for a replay, too). */
export const isEventId = (value: string): boolean => eventId.safeParse(value).success;

const entityId = z
  .string()
  .min(1)
  .max(MAX_ID)
  .refine((value) => value.trim() !== '', 'must not be blank');

/** Providers send null as often as they leave a field out. */
const optionalText = (max = MAX_TEXT) => z.string().max(max).nullish();

const timestamp = z.iso
  .datetime({ offset: true })
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real date');

const person = z.object({
  id: entityId,
  name: optionalText(),
  email: optionalText(320),
  oldTitle: optionalText(),
  newTitle: optionalText(),
});

const company = z.object({ id: entityId, name: optionalText() });

const fieldChange = z.object({
  old: z.string().max(MAX_CHANGE_VALUE).nullable(),
  new: z.string().max(MAX_CHANGE_VALUE).nullable(),
});

/** Field names become the `field` of FieldChange records; keep them identifier-like. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * A map of field name to {old, new}: the `required` fields must be there, any other field may be.
 * (zod drops a `__proto__` key instead of assigning it, so a hostile key cannot swap prototypes.)
 */
function changes<Shape extends z.ZodRawShape>(required: Shape) {
  return z
    .object(required)
    .catchall(fieldChange)
    .superRefine((value, context) => {
      const fields = Object.keys(value);
      if (fields.length > MAX_CHANGED_FIELDS) {
        context.addIssue({
          code: 'custom',
          message: `must have at most ${MAX_CHANGED_FIELDS} fields`,
        });
        return;
      }
      for (const field of fields) {
        if (!FIELD_NAME.test(field)) {
          context.addIssue({
            code: 'custom',
            path: [field],
            message: 'field names must be letters, digits and "_", starting with a letter',
          });
        }
      }
    });
}

const base = {
  id: eventId,
  /** The provider's own label; the configured source (from the URL) is what counts. */
  source: optionalText(MAX_ID),
  timestamp,
  company,
};

const personEvent = <Type extends EventType, Shape extends z.ZodRawShape>(
  type: Type,
  required: Shape,
) => z.object({ ...base, type: z.literal(type), person, changes: changes(required) });

const companyEvent = <Type extends EventType, Extra extends z.ZodRawShape>(
  type: Type,
  extra: Extra,
) =>
  z.object({
    ...base,
    type: z.literal(type),
    person: person.optional(),
    changes: changes({}).optional(),
    ...extra,
  });

const companyMove = z.object({ old: entityId, new: entityId });

export const webhookEventSchema = z.discriminatedUnion('type', [
  personEvent('person.role_change', { title: fieldChange }),
  personEvent('person.promotion', { title: fieldChange, seniority: fieldChange.optional() }),
  personEvent('person.department_change', { department: fieldChange }),
  personEvent('person.company_change', { company: companyMove }).refine(
    // The record is keyed by `company.id`; for a move that must be where the person went.
    (event) => event.company.id === event.changes.company.new,
    { path: ['company', 'id'], message: 'must equal changes.company.new' },
  ),
  companyEvent('company.acquisition', {
    acquirer: z.object({ id: entityId, name: optionalText() }).optional(),
  }),
  companyEvent('company.restructuring', {}),
  companyEvent('company.executive_turnover', {}),
]);

export type WebhookEvent = z.output<typeof webhookEventSchema>;

export type ParsedWebhookEvent =
  { ok: true; event: WebhookEvent } | { ok: false; field: string; message: string };

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);

/** `field` is the dotted path of the first bad field, for the 400 body; '(body)' for the whole. */
export function parseWebhookEvent(body: unknown): ParsedWebhookEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: '(body)', message: 'must be a JSON object' };
  }
  // Checked first so an unknown type gets a useful message rather than zod's union wording.
  const type: unknown = Object.hasOwn(body, 'type') ? (body as { type: unknown }).type : undefined;
  if (!isEventType(type)) {
    return { ok: false, field: 'type', message: `must be one of: ${EVENT_TYPES.join(', ')}` };
  }
  const result = webhookEventSchema.safeParse(body);
  if (result.success) return { ok: true, event: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    field: issue?.path.map(String).join('.') || '(body)',
    message: issue?.message ?? 'invalid event',
  };
}

/** The Kafka record key: every change of one company lands on one partition, in order. */
export const companyKey = (event: WebhookEvent): string => event.company.id;

export function toPersonChange(
  event: WebhookEvent,
  source: string,
  receivedAtMs: number,
  rawBody: string,
): PersonChangeRecord {
  const changes = Object.entries(event.changes ?? {})
    .map(([field, change]) => ({ field, before: change?.old ?? null, after: change?.new ?? null }))
    // Code-unit order, not locale order: the same event must always give the same record.
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return {
    eventId: event.id,
    source,
    eventType: event.type,
    companyId: companyKey(event),
    previousCompanyId: event.type === 'person.company_change' ? event.changes.company.old : null,
    personId: event.person?.id ?? null,
    changes,
    occurredAt: Date.parse(event.timestamp),
    receivedAt: receivedAtMs,
    payload: rawBody,
  };
}
