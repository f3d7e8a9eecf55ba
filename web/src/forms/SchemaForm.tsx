// Every form the API serves (intake, task forms, actions, complaints) is rendered here by rjsf from its JSON
// Schema and uiSchema, with Swedish labels and errors, and server errors (422) placed on their fields.
import Form from '@rjsf/core';
import type { ErrorSchema, RJSFValidationError, RJSFSchema, UiSchema } from '@rjsf/utils';
import { TranslatableString, englishStringTranslator } from '@rjsf/utils';
import { useMemo, type ReactNode } from 'react';
import type { FieldError } from '../api/client';
import { t } from '../text';
import { validator } from './validator';

type Data = Record<string, unknown>;

const SWEDISH: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.ErrorsLabel]: t.form.errors,
  [TranslatableString.YesLabel]: t.form.yes,
  [TranslatableString.NoLabel]: t.form.no,
  [TranslatableString.AddItemButton]: 'Lägg till',
  [TranslatableString.AddButton]: 'Lägg till',
  [TranslatableString.RemoveButton]: 'Ta bort',
  [TranslatableString.MoveUpButton]: 'Flytta upp',
  [TranslatableString.MoveDownButton]: 'Flytta ner',
  [TranslatableString.CopyButton]: 'Kopiera',
  [TranslatableString.ArrayItemTitle]: 'Rad',
  [TranslatableString.EmptyArray]: 'Inga rader ännu.',
  [TranslatableString.NowLabel]: 'Nu',
  [TranslatableString.ClearLabel]: 'Rensa',
  [TranslatableString.ClearButton]: 'Rensa',
  [TranslatableString.AriaDateLabel]: 'Välj ett datum',
  [TranslatableString.OptionalObjectAdd]: 'Lägg till uppgifter',
  [TranslatableString.OptionalObjectRemove]: 'Ta bort uppgifterna',
  [TranslatableString.OptionalObjectEmptyMsg]: 'Inga uppgifter',
};

const translateString = (key: TranslatableString, params?: string[]) =>
  SWEDISH[key] ?? englishStringTranslator(key, params);

/** Ajv's Swedish is literal; the common cases get the same wording as the server's messages. */
function transformErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors
    .filter((error) => error.name !== 'if' && error.name !== 'oneOf' || error.property !== '.')
    .map((error) => {
      const p = error.params ?? {};
      const message =
        error.name === 'required' ? t.form.required
        : error.name === 'minLength' ? (p.limit === 1 ? t.form.required : t.form.minLength(p.limit))
        : error.name === 'maxLength' ? t.form.maxLength(p.limit)
        : error.name === 'minItems' ? t.form.minItems(p.limit)
        : error.name === 'format' ? t.form.format
        : error.name === 'type' ? t.form.invalid
        : error.message;
      const title = error.title ?? '';
      return { ...error, message, stack: title ? `${title}: ${message}` : message ?? '' };
    });
}

/** The server's [{path: "a/b", message}] as rjsf's nested error schema. */
export function toErrorSchema(errors: FieldError[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const { path, message } of errors) {
    let node = root;
    for (const key of path.split('/').filter(Boolean)) node = (node[key] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(message);
  }
  return root as ErrorSchema;
}

/** Only the schema's own top-level fields: task data holds the whole case, the form answers its part. */
export function pickFields(schema: RJSFSchema, data: Data | undefined): Data {
  const keys = Object.keys(schema.properties ?? {});
  return Object.fromEntries(Object.entries(data ?? {}).filter(([key]) => keys.includes(key)));
}

const MAX_RADIOS = 6;

/** Short lists of choices as radio buttons (all visible, nothing preselected, easy to tap); the form's own
 * uiSchema wins wherever it says something. */
function withRadios(schema: RJSFSchema, ui: UiSchema): UiSchema {
  const result: UiSchema = { ...ui };
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (typeof prop !== 'object') continue;
    const own = (ui[key] ?? {}) as UiSchema;
    if (prop.type === 'object' && prop.properties) result[key] = withRadios(prop as RJSFSchema, own);
    else if ((prop.type === 'string' || prop.type === 'integer') && Array.isArray(prop.oneOf)
             && prop.oneOf.length <= MAX_RADIOS && !own['ui:widget']) result[key] = { ...own, 'ui:widget': 'radio' };
  }
  return result;
}

interface Props {
  schema: RJSFSchema;
  uiSchema?: UiSchema | null;
  formData?: Data;
  serverErrors?: FieldError[];
  submitLabel: string;
  busy?: boolean;
  idPrefix?: string;
  onChange?: (data: Data) => void;
  onSubmit: (data: Data) => void;
  children?: ReactNode;
}

export function SchemaForm({ schema, uiSchema, formData, serverErrors, submitLabel, busy, idPrefix, onChange, onSubmit, children }: Props) {
  const extraErrors = useMemo(() => (serverErrors?.length ? toErrorSchema(serverErrors) : undefined), [serverErrors]);
  const ui: UiSchema = useMemo(
    () => ({ ...withRadios(schema, uiSchema ?? {}), 'ui:submitButtonOptions': { submitText: busy ? t.report.sending : submitLabel, props: { disabled: busy } } }),
    [schema, uiSchema, submitLabel, busy],
  );
  return (
    <Form
      schema={schema}
      uiSchema={ui}
      formData={formData}
      validator={validator}
      noHtml5Validate
      // rjsf would otherwise preselect the first choice of every oneOf list: a person must choose it.
      experimental_defaultFormStateBehavior={{ constAsDefaults: 'skipOneOf' }}
      showErrorList="top"
      focusOnFirstError
      idPrefix={idPrefix}
      extraErrors={extraErrors}
      transformErrors={transformErrors}
      translateString={translateString}
      onChange={(event) => onChange?.(event.formData as Data)}
      onSubmit={(event) => onSubmit(pickFields(schema, event.formData as Data))}
    >
      {children}
    </Form>
  );
}
