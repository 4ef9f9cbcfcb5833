import type { Rng } from './rng.js';
import type { WechatWorld } from './wechat-world.js';

export interface SideRecord {
  notifyType: number;
  data: Record<string, unknown>;
}

/** A unique contact record (1200 change, 1201 deletion, 1202 OpenIM) for contact index k. */
export function contactRecord(rng: Rng, world: WechatWorld, k: number, time: number): SideRecord {
  const tag = k.toString(36).padStart(6, '0');
  const r = rng.next();
  if (r < 0.1)
    return { notifyType: 1201, data: { userName: `wxid_del${tag}${rng.base36(6)}`, deleteContactScene: 0 } };
  const openim = r < 0.3;
  const room = !openim && rng.chance(0.2);
  const userName = openim
    ? `${rng.digits(11)}${tag}@openim`
    : room
      ? `${rng.digits(8)}${tag}@chatroom`
      : `wxid_c${tag}${rng.base36(8)}`;
  const nick = rng.pick(['张三', 'Alice', '市场部', '周末爬山群', '🌸 Lily', '王老师']);
  const wrap = (s: string): unknown => (rng.chance(0.05) ? {} : rng.chance(0.05) ? s : { string: s });
  const data: Record<string, unknown> = {
    userName: wrap(userName),
    nickName: wrap(nick),
    pyinitial: wrap('ZS'),
    quanPin: wrap('zhangsan'),
    sex: rng.int(3),
    imgBuf: { iLen: 0 },
    bitMask: 4294967295,
    bitVal: rng.int(8),
    imgFlag: 1,
    remark: wrap(rng.chance(0.3) ? `备注${k}` : ''),
    remarkPyinitial: wrap(''),
    remarkQuanPin: wrap(''),
    contactType: openim ? 0 : rng.int(4),
    roomInfoCount: 0,
    domainList: {},
    chatRoomNotify: 1,
    addContactScene: rng.pick([0, 3, 14, 17, 30]),
    province: '广东',
    city: '深圳',
    signature: rng.chance(0.5) ? '生活不止眼前的苟且 <3' : '',
    personalCard: 0,
    hasWeiXinHdHeadImg: 1,
    verifyFlag: 0,
    level: 0,
    source: rng.int(30),
    alias: rng.chance(0.3) ? `alias_${tag}` : '',
    weiboFlag: 0,
    albumStyle: 0,
    albumFlag: 0,
    snsUserInfo: {
      snsFlag: 1,
      snsBgimgId: `http://shmmsns.qpic.cn/mmsns/${rng.base36(40)}/0`,
      snsBgobjectId: rng.digits(19),
      snsFlagEx: 7297,
    },
    country: 'CN',
    bigHeadImgUrl: `https://wx.qlogo.cn/mmhead/ver_1/${rng.base36(80)}/0`,
    smallHeadImgUrl: `https://wx.qlogo.cn/mmhead/ver_1/${rng.base36(80)}/132`,
    myBrandList: '<brandlist count="0" ver="0"></brandlist>',
    customInfo: { detail: JSON.stringify({ phone: `1${rng.digits(10)}`, note: '客户' }), detailVisible: 1 },
    encryptUserName: `v3_${rng.hex(64)}@stranger`,
    additionalContactList: { linkedinContactItem: {} },
    chatroomMaxCount: room ? 500 : 0,
    deleteFlag: 0,
    description: '',
    chatroomStatus: 0,
    extFlag: 0,
    labelIdList: rng.chance(0.2) ? '1,3' : '',
    phoneNumListInfo: { count: 0 },
    mobile: rng.chance(0.2) ? `1${rng.digits(10)}` : '',
    deleteContactScene: 0,
    bitMask2: String(rng.int(1 << 30)),
    chatroomAccessType: 0,
    chatroomVersion: room ? rng.range(1, 900) : 0,
    seq: k,
    time,
  };
  if (room) {
    data.newChatroomData = {
      memberCount: world.roomSize(userName),
      chatroomMemberList: [{ userName: `wxid_${rng.base36(14)}`, nickName: nick, chatroomMemberFlag: 0 }],
      infoMask: 1,
    };
    data.chatRoomOwner = `wxid_${rng.base36(14)}`;
  }
  return { notifyType: openim ? 1202 : 1200, data };
}

const EVENT_TYPES = [1011, 1039, 2006, 1003, 1048, 1203];

/** Another notify_type with an object `data`, unique per index k. */
export function eventRecord(rng: Rng, world: WechatWorld, k: number, time: number): SideRecord {
  const notifyType = EVENT_TYPES[k % EVENT_TYPES.length]!;
  return {
    notifyType,
    data: {
      seq: k,
      time,
      wxid: world.bot,
      status: rng.int(5),
      detail: { reason: rng.pick(['login', 'heartbeat', '同步完成']), code: rng.int(100) },
    },
  };
}
