import type { PlatformModule } from '../platform-module.js';
import { createWechatAdapter } from './wechat-adapter.js';
import { wechatReceiver } from './wechat-receiver.js';

/** The option naming the account's own ids (wxid_…), saved with the lake as the setting `wechatSelf`. */
export const WECHAT_SELF_OPTION = 'selfIds';

/** WeChat: webhook logs (a JSON envelope or request-log entry a line) and the webhook itself. */
export const wechatModule: PlatformModule = {
  name: 'wechat',
  framing: 'lines',
  decoder(options) {
    const ids = options[WECHAT_SELF_OPTION];
    return createWechatAdapter({
      selfIds: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [],
    });
  },
  sniff: (head) => head.includes('"notify_type"') || head.includes('webhook_request_received'),
  identity: 'message: msg_id (newmsgid); contact: its wxid; event: a key of notify type and data',
  receiver: wechatReceiver,
  title: 'WeChat',
  example: '~/wechat_webhook.log',
  options: [
    {
      key: WECHAT_SELF_OPTION,
      setting: 'wechatSelf',
      flag: '--wechat-self',
      placeholder: '<ids>',
      env: 'CHATLAKE_WECHAT_SELF',
      description:
        "the WeChat account's own ids, comma-separated (env CHATLAKE_WECHAT_SELF; kept by the lake when a writer is given them): its messages are from-me and filed under the chat they went to",
      label: 'WeChat account ids',
    },
  ],
};
