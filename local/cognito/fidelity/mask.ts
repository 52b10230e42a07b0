import { maskDestination } from '../mask';
import type { TargetFix } from './types';

/**
 * cognito-local returns the full phone number wherever Cognito returns a masked one
 * (`+********1234`): SignUp's CodeDeliveryDetails, ForgotPassword, the SMS_MFA challenge.
 * Masked on every target's output so that no unmasked number leaves through any API.
 */
export const maskDestinationsFix: TargetFix = {
  fix: 'maskDestinations',
  targets: '*',
  wrap: (inner) => async (ctx, req) => {
    const out = await inner(ctx, req);
    const details = [out?.CodeDeliveryDetails, ...(out?.CodeDeliveryDetailsList ?? [])];
    for (const d of details) if (typeof d?.Destination === 'string') d.Destination = maskDestination(d.Destination);
    const params = out?.ChallengeParameters;
    if (typeof params?.CODE_DELIVERY_DESTINATION === 'string') {
      params.CODE_DELIVERY_DESTINATION = maskDestination(params.CODE_DELIVERY_DESTINATION);
    }
    return out;
  },
};
