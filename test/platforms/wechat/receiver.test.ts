import { describe, expect, it } from 'vitest';
import { wechatReceiver } from '../../../src/platforms/wechat/wechat-receiver.js';
import { wechatEnvelope } from '../../support/wechat-envelope.js';

// WeChat gateways post JSON, sometimes labelled as a form, or a form carrying the envelope (as one field, or as
// its guid / notify_type / data fields). The receiver turns each into the envelope the decoder takes.
describe('the WeChat webhook receiver', () => {
  const envelope = wechatEnvelope({ msgId: '7000000000000000002', content: 'form body', time: 1769126400 });
  const FORM = 'application/x-www-form-urlencoded';

  it('takes a JSON body whatever its content type says', () => {
    for (const type of ['application/json', FORM, 'text/plain'])
      expect(wechatReceiver.payload(JSON.stringify(envelope), type)).toEqual(envelope);
  });

  it('takes a form carrying the envelope in a payload, json or body field', () => {
    for (const field of ['payload', 'json', 'body'])
      expect(
        wechatReceiver.payload(`${field}=${encodeURIComponent(JSON.stringify(envelope))}`, FORM),
      ).toEqual(envelope);
  });

  it("takes a form of the envelope's own fields", () => {
    const form = new URLSearchParams({
      guid: envelope.guid,
      notify_type: '1010',
      data: JSON.stringify(envelope.data),
    });
    expect(wechatReceiver.payload(form.toString(), FORM)).toEqual({
      guid: envelope.guid,
      notify_type: 1010,
      data: envelope.data,
    });
  });

  it('has no payload for a body that is neither (the route quarantines it with the reason)', () => {
    expect(wechatReceiver.payload('[1,2]', 'application/json')).toBeUndefined();
    expect(wechatReceiver.payload('payload=not-json', FORM)).toBeUndefined();
    expect(wechatReceiver.payload('payload=x', 'text/plain')).toBeUndefined();
    expect(wechatReceiver.noPayload).toMatch(/not a JSON object/);
  });
});
