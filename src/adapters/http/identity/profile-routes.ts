// The caller's own profile: GET and PATCH /users/me (ETag and If-Match on its version), and the
// verification of its phone number.
import type { Deps } from '../../../application/deps.js';
import { getProfile, updateProfile } from '../../../application/identity/profile.js';
import { resendPhoneCode } from '../../../application/identity/resend-phone-code.js';
import { verifyPhone } from '../../../application/identity/verify-phone.js';
import { expectedVersion, setEtag } from '../conditional.js';
import { respond } from '../envelope.js';
import { userOf } from '../middleware/authenticate.js';
import { route, type RouteSpec } from '../route.js';
import { presentUser } from './presenters.js';
import { acceptedSchema, updateMeBody, userSchema, verifyPhoneBody } from './schemas.js';

export function profileRoutes(deps: Deps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/users/me',
      operationId: 'getMe',
      summary: 'The caller’s profile; the ETag is its version',
      tags: ['Users'],
      scope: 'user',
      responses: { 200: { description: 'The user', data: userSchema, headers: ['ETag'] } },
      handler: async (ctx) => {
        const user = await getProfile(deps, userOf(ctx));
        setEtag(ctx, user.version);
        respond(ctx, presentUser(user));
      },
    }),
    route({
      method: 'patch',
      path: '/users/me',
      operationId: 'updateMe',
      summary:
        'Change name, timezone, password (needs current_password; ends other sessions) or phone number (texts it a code)',
      tags: ['Users'],
      scope: 'user',
      body: updateMeBody,
      responses: {
        200: { description: 'The updated user', data: userSchema, headers: ['ETag'] },
        412: { description: 'If-Match does not match the current ETag (or is not one of ours)' },
        422: { description: 'Invalid input, phone number or wrong current password' },
        429: { description: 'Too many phone codes sent lately to this user or number' },
      },
      handler: async (ctx, { body }) => {
        const user = await updateProfile(deps, userOf(ctx), {
          name: body.name,
          timezone: body.timezone,
          password: body.password,
          currentPassword: body.current_password,
          phoneNumber: body.phone_number,
          expectedVersion: expectedVersion(ctx),
        });
        setEtag(ctx, user.version);
        respond(ctx, presentUser(user));
      },
    }),
    route({
      method: 'post',
      path: '/users/me/phone/verify',
      operationId: 'verifyMyPhone',
      summary: 'Verify the caller’s phone number with the 6-digit code texted to it',
      tags: ['Users'],
      scope: 'user',
      body: verifyPhoneBody,
      responses: {
        200: { description: 'The user, phone verified', data: userSchema, headers: ['ETag'] },
        409: {
          description:
            'No code is waiting, or it expired (10 minutes) or had 5 attempts: ask for a new one',
        },
        422: { description: 'Wrong code (the attempts left in the message) or not 6 digits' },
      },
      handler: async (ctx, { body }) => {
        const user = await verifyPhone(deps, userOf(ctx), body);
        setEtag(ctx, user.version);
        respond(ctx, presentUser(user));
      },
    }),
    route({
      method: 'post',
      path: '/users/me/phone/resend',
      operationId: 'resendMyPhoneCode',
      summary:
        'Text a new code to the caller’s unverified phone number (the old one stops working)',
      tags: ['Users'],
      scope: 'user',
      responses: {
        202: { description: 'A code is on its way', data: acceptedSchema },
        409: { description: 'No phone number, or it is verified already' },
        429: { description: 'Too many phone codes sent lately to this user or number' },
      },
      handler: async (ctx) => {
        await resendPhoneCode(deps, userOf(ctx));
        respond(ctx, { message: 'A new code is on its way' }, { status: 202 });
      },
    }),
  ];
}
