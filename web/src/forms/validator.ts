// JSON Schema 2020-12 in the browser: Ajv's 2020 class (rjsf's default builds draft-07, which ignores 2020
// keywords), Swedish messages from ajv-i18n. Ajv compiles validators at run time, hence the documented
// 'unsafe-eval' in the page's Content-Security-Policy (server/web.py). The server validates again; this is UX.
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import localizeSv from 'ajv-i18n/localize/sv';

export const validator = customizeValidator({ AjvClass: Ajv2020 }, localizeSv);
