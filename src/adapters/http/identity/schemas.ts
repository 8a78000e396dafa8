// Request and response schemas of /auth and /users.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import 'zod-openapi';
import { PASSWORD_MAX_LENGTH } from '../../../domain/identity/user.js';

const email = z.email().max(254).meta({ example: 'ada@example.com' });
// Length rules live in the domain (assertAcceptablePassword); here only a bound against abuse.
const password = z
  .string()
  .max(PASSWORD_MAX_LENGTH * 4)
  .meta({ description: '8–128 characters' });
const token = z.string().min(1).max(512);
const timezone = z.string().min(1).max(64).meta({ example: 'Europe/Amsterdam' });
const name = z.string().trim().min(1).max(120);
// What people type (`+31 6 1234 5678`, `+1 (415) 555-2671`) → E.164, held to its country's
// numbering plan (libphonenumber's full metadata). With the country code only: nothing tells
// which country a number without one belongs to. No extension: it cannot receive SMS.
const phoneNumber = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const parsed = parsePhoneNumberFromString(value, { extract: false });
    if (parsed?.isValid() && parsed.ext === undefined) return parsed.number;
    ctx.addIssue({
      code: 'custom',
      message: 'Not a valid phone number: give it with + and the country code, e.g. +31 6 12345678',
    });
    return z.NEVER;
  })
  .meta({
    description:
      'International format (+ and the country code), spaces and dashes allowed; stored in E.164. A new number is unverified and gets a code by SMS; null removes the number',
    example: '+31 6 12345678',
  });

export const registerBody = z.object({ email, password, name, timezone: timezone.optional() });
export const verifyEmailBody = z.object({ token });
export const emailBody = z.object({ email });
export const loginBody = z.object({
  email,
  password,
  device_id: z.string().min(1).max(128).optional(),
});
export const refreshBody = z.object({ refresh_token: token.optional() });
export const resetPasswordBody = z.object({ token, password });
export const updateMeBody = z
  .object({
    name: name.optional(),
    timezone: timezone.optional(),
    password: password.optional(),
    current_password: z
      .string()
      .max(PASSWORD_MAX_LENGTH * 4)
      .optional(),
    phone_number: phoneNumber.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });
export const sessionParams = z.object({ id: z.uuid() });
export const verifyPhoneBody = z.object({
  code: z
    .string()
    .regex(/^[0-9]{6}$/, 'Must be the 6 digits of the code')
    .meta({ example: '042917' }),
});

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    timezone: z.string(),
    email_verified: z.boolean(),
    email_verified_at: z.iso.datetime().nullable(),
    phone_number: z.string().nullable().meta({ description: 'E.164', example: '+31612345678' }),
    phone_verified: z.boolean().meta({
      description:
        'Whether the code texted to phone_number came back; SMS goes to verified numbers only',
    }),
    phone_verified_at: z.iso.datetime().nullable(),
    version: z.number().int().meta({
      description:
        'Also the ETag of /users/me; bumped by every change (a verified email or phone too)',
    }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export const tokenPairSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().meta({ description: 'Seconds until the access token expires' }),
    refresh_token: z.string(),
  })
  .meta({ id: 'TokenPair' });

export const loginSchema = tokenPairSchema.extend({ user: userSchema }).meta({ id: 'Login' });

export const sessionSchema = z
  .object({
    id: z.uuid(),
    device_id: z.string().nullable(),
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime(),
    expires_at: z.iso.datetime(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

export const acceptedSchema = z.object({ message: z.string() }).meta({ id: 'Accepted' });

export const jwksSchema = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .meta({ id: 'JWKS' });
