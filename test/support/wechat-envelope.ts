/** A WeChat webhook envelope of a new message (notify_type 1010) in a direct chat, for tests. */
export function wechatEnvelope(m: {
  msgId: string;
  time: number;
  content: string;
  from?: string;
  to?: string;
  msgType?: number;
}) {
  return {
    guid: 'bot-1',
    notify_type: 1010,
    data: {
      from_username: m.from ?? 'wxid_carol',
      to_username: m.to ?? 'wxid_bot',
      chatroom: '',
      chatroom_sender: '',
      msg_id: m.msgId,
      msg_type: m.msgType ?? 1,
      create_time: m.time,
      is_chatroom_msg: 0,
      content: m.content,
      desc: '',
      source: 1,
    },
  };
}
