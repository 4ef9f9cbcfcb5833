import type { Rng } from './rng.js';
import type { Conversation, WechatWorld } from './wechat-world.js';

export interface ContentContext {
  rng: Rng;
  real: boolean;
  world: WechatWorld;
  conv: Conversation;
  createTime: number;
  /** An earlier message of the run (for quotes and revokes), or null for the first message. */
  ref: { msgId: string; conv: Conversation } | null;
}

export interface MessageContent {
  /** undefined: the key is missing; null: present as null. */
  msgType: number | null | undefined;
  appType: number | null;
  content: string;
  desc: string;
}

const PHRASES = [
  '早上好',
  '今天开会吗？',
  '收到👌',
  '哈哈哈哈😂',
  'ok',
  '好的，我晚点看一下',
  'price < 100 && qty > 3',
  '<b>not xml</b>',
  'a<b',
  '明天 10:00 在 3 楼会议室',
  '🎉🎉🎉',
  '谢谢老板🙏',
  "Let's meet at 5pm",
  '这个链接打不开 https://example.com/a?b=1&c=2',
  '@张三\u2005你看下这个',
  '1 < 2 but 3 > 2',
  '"quoted" text and \\ backslash',
  '多行\n消息\n第三行',
  '𠀀𠀁 ext-B 汉字',
  '👨‍👩‍👧‍👦 family',
  'café ÄÖÜ ß',
  'Привет, как дела?',
  'مرحبا',
  '[微笑][捂脸]',
  '<?xml version="1.0"?> 这不是 XML',
  '周末一起去爬山吗 ⛰️',
  '文件我发群里了，大家查收一下',
  '\ttab\tseparated',
];
const REAL_SCALE = 7.25;
const TITLES = [
  '年度总结：我们做对了什么',
  'How to write fast Node code',
  '最新通知｜关于放假安排',
  '一图看懂新政策',
  '周报 第 12 周',
];
const HOSTS = ['mp.weixin.qq.com/s', 'www.example.com/article', 'finder.video.qq.com/251/20302'];

export function messageContent(ctx: ContentContext): MessageContent {
  const { rng } = ctx;
  const kind = rng.weighted(MSG_TYPES);
  if (kind === 'none')
    return { msgType: rng.chance(0.5) ? null : undefined, appType: null, content: text(ctx), desc: '' };
  if (kind === 1) return withPrefix(ctx, { msgType: 1, appType: null, content: text(ctx), desc: '' });
  if (kind === 10002 && ctx.ref) return { msgType: 10002, appType: null, content: revoke(ctx), desc: '' };
  if (kind === 10002) return { msgType: 10002, appType: null, content: pat(ctx), desc: '' };
  if (kind === 10000) return { msgType: 10000, appType: null, content: system(ctx), desc: '' };
  if (kind === 51) return { msgType: 51, appType: null, content: statusSync(ctx), desc: '' };
  if (kind === 49) {
    const appType = rng.weighted(APP_TYPES);
    if (appType === 57 && !ctx.ref)
      return withPrefix(ctx, { msgType: 1, appType: null, content: text(ctx), desc: '' });
    return withPrefix(ctx, {
      msgType: 49,
      appType,
      content: appmsg(ctx, appType),
      desc: desc(ctx, '[链接]'),
    });
  }
  const build = MEDIA[kind]!;
  return withPrefix(ctx, {
    msgType: kind,
    appType: null,
    content: build(ctx),
    desc: desc(ctx, LABELS[kind]!),
  });
}

type Kind = 1 | 3 | 34 | 37 | 42 | 43 | 47 | 48 | 49 | 51 | 10000 | 10002 | 'none';
const MSG_TYPES: [Kind, number][] = [
  [1, 0.62],
  [3, 0.08],
  [34, 0.02],
  [37, 0.003],
  [42, 0.004],
  [43, 0.02],
  [47, 0.05],
  [48, 0.006],
  [49, 0.12],
  [51, 0.03],
  [10000, 0.02],
  [10002, 0.025],
  ['none', 0.002],
];
const APP_TYPES: [number, number][] = [
  [5, 0.33],
  [6, 0.1],
  [57, 0.3],
  [19, 0.08],
  [33, 0.1],
  [2000, 0.04],
  [2001, 0.05],
];
const LABELS: Record<number, string> = {
  3: '[图片]',
  34: '[语音]',
  37: '[好友请求]',
  42: '[名片]',
  43: '[视频]',
  47: '[动画表情]',
  48: '[位置]',
};
const MEDIA: Record<number, (ctx: ContentContext) => string> = {
  3: image,
  34: voice,
  37: friendRequest,
  42: card,
  43: video,
  47: emoji,
  48: location,
};

function withPrefix(ctx: ContentContext, c: MessageContent): MessageContent {
  if (ctx.conv.group && ctx.rng.chance(0.25)) c.content = `${ctx.conv.sender}:\n${c.content}`;
  return c;
}

function desc(ctx: ContentContext, label: string): string {
  return ctx.rng.chance(0.4) ? `${ctx.conv.senderName} : ${label}` : '';
}

function text(ctx: ContentContext): string {
  const { rng } = ctx;
  const n = ctx.real && rng.chance(0.1) ? rng.range(5, 60) : rng.range(1, 3);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) parts.push(rng.pick(PHRASES));
  return parts.join(rng.chance(0.8) ? ' ' : '，');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Field length: compact in the small profile, scaled so the real profile matches real log volumes. */
function len(ctx: ContentContext, small: number, real: number): number {
  return ctx.real ? Math.round(real * REAL_SCALE) : small;
}

/** CDN file ids look like long hex strings; the real profile makes them realistically long. */
function cdn(ctx: ContentContext, small: number, real: number): string {
  return `3057020100044b3049020100020${ctx.rng.hex(len(ctx, small, real))}`;
}

function image(ctx: ContentContext): string {
  const { rng } = ctx;
  if (!ctx.real)
    return `<msg><img aeskey="${rng.hex(32)}" cdnthumburl="${cdn(ctx, 40, 0)}" length="${rng.range(1e4, 5e6)}" md5="${rng.hex(32)}" /></msg>`;
  const extra = ctx.real
    ? ` hevc_mid_size="${rng.range(1e4, 9e5)}" originsourcemd5="${rng.hex(32)}" cdnbigimgurl="${cdn(ctx, 0, 640)}">\n\t\t<secHashInfoBase64>${rng.hex(120)}</secHashInfoBase64>\n\t\t<live><duration>0</duration><size>0</size><md5 /><fileid /><hdsize>0</hdsize><hdmd5 /><hdfileid /><stillimagetimems>0</stillimagetimems></live>\n\t</img>\n\t<platform_signature />\n\t<imgdatahash />\n\t<ImgSourceInfo><ImgSourceUrl /><BizType>0</BizType></ImgSourceInfo>`
    : ' />';
  return `<?xml version="1.0"?>\n<msg>\n\t<img aeskey="${rng.hex(32)}" encryver="1" cdnthumbaeskey="${rng.hex(32)}" cdnthumburl="${cdn(ctx, 90, 700)}" cdnthumblength="${rng.range(2000, 9000)}" cdnthumbheight="120" cdnthumbwidth="90" cdnmidheight="0" cdnmidwidth="0" cdnhdheight="0" cdnhdwidth="0" cdnmidimgurl="${cdn(ctx, 90, 700)}" length="${rng.range(1e4, 5e6)}" md5="${rng.hex(32)}"${extra}\n</msg>\n`;
}

function voice(ctx: ContentContext): string {
  const { rng } = ctx;
  if (!ctx.real)
    return `<msg><voicemsg voicelength="${rng.range(800, 59000)}" length="${rng.range(1000, 90000)}" aeskey="${rng.hex(32)}" voiceurl="${cdn(ctx, 40, 0)}" /></msg>`;
  return `<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" voicelength="${rng.range(800, 59000)}" length="${rng.range(1000, 90000)}" bufid="0" aeskey="${rng.hex(32)}" voiceurl="${cdn(ctx, 60, 400)}" voicemd5="" clientmsgid="${rng.hex(32)}" fromusername="${ctx.conv.sender}" /></msg>`;
}

function video(ctx: ContentContext): string {
  const { rng } = ctx;
  if (!ctx.real)
    return `<msg><videomsg aeskey="${rng.hex(32)}" cdnvideourl="${cdn(ctx, 40, 0)}" length="${rng.range(1e5, 5e7)}" playlength="${rng.range(1, 300)}" md5="${rng.hex(32)}" /></msg>`;
  return `<?xml version="1.0"?>\n<msg>\n\t<videomsg aeskey="${rng.hex(32)}" cdnvideourl="${cdn(ctx, 90, 800)}" cdnthumbaeskey="${rng.hex(32)}" cdnthumburl="${cdn(ctx, 90, 800)}" length="${rng.range(1e5, 5e7)}" playlength="${rng.range(1, 300)}" cdnthumblength="${rng.range(2000, 30000)}" cdnthumbwidth="540" cdnthumbheight="960" fromusername="${ctx.conv.sender}" md5="${rng.hex(32)}" newmd5="${rng.hex(32)}" isplaceholder="0" rawmd5="${rng.hex(32)}" rawlength="${rng.range(1e5, 5e7)}" cdnrawvideourl="${ctx.real ? cdn(ctx, 0, 800) : ''}" cdnrawvideoaeskey="${ctx.real ? rng.hex(32) : ''}" overwritenewmsgid="0" originsourcemd5="${rng.hex(32)}" isad="0" />\n</msg>\n`;
}

function emoji(ctx: ContentContext): string {
  const { rng } = ctx;
  const md5 = rng.hex(32);
  if (!ctx.real)
    return `<msg><emoji fromusername="${ctx.conv.sender}" type="2" md5="${md5}" len="${rng.range(1e4, 9e5)}" cdnurl="http://wxapp.tc.qq.com/262/20304/stodownload?m=${md5}&amp;filekey=${rng.hex(20)}" width="240" height="240" /></msg>`;
  const url = `http://wxapp.tc.qq.com/262/20304/stodownload?m=${md5}&amp;filekey=${rng.hex(len(ctx, 40, 600))}&amp;hy=SH&amp;storeid=${rng.hex(len(ctx, 20, 180))}&amp;bizid=1023`;
  return `<msg><emoji fromusername="${ctx.conv.sender}" tousername="${ctx.world.bot}" type="2" idbuffer="media:0_0" md5="${md5}" len="${rng.range(1e4, 9e5)}" productid="" androidmd5="${md5}" androidlen="${rng.range(1e4, 9e5)}" s60v3md5="${md5}" s60v3len="${rng.range(1e4, 9e5)}" s60v5md5="${md5}" s60v5len="${rng.range(1e4, 9e5)}" cdnurl="${url}" designerid="" thumburl="" encrypturl="${url}" aeskey="${rng.hex(32)}" externurl="${url}" externmd5="${rng.hex(32)}" width="240" height="240" tpurl="" tpauthkey="" attachedtext="" attachedtextcolor="" lensid="" emojiattr="" linkid="" desc="" /><gameext type="0" content="0" /></msg>`;
}

function location(ctx: ContentContext): string {
  const { rng } = ctx;
  const x = (22 + rng.next() * 18).toFixed(6);
  const y = (100 + rng.next() * 20).toFixed(6);
  return `<?xml version="1.0"?>\n<msg>\n\t<location x="${x}" y="${y}" scale="15" label="广东省深圳市南山区科技园 &lt;B座&gt;" maptype="roadmap" poiname="腾讯滨海大厦" poiid="qqmap_${rng.digits(19)}" buildingId="" floorName="" poiCategoryTips="" poiBusinessHour="" poiPhone="" poiPriceTips="0.0" isFromPoiList="true" adcode="440305" cityname="深圳市" fromusername="${ctx.conv.sender}" />\n</msg>\n`;
}

function friendRequest(ctx: ContentContext): string {
  const { rng } = ctx;
  return `<msg fromusername="${ctx.conv.sender}" encryptusername="v3_${rng.hex(96)}@stranger" fromnickname="${esc(ctx.conv.senderName)}" content="我是${esc(ctx.conv.senderName)}" fullpy="" shortpy="" imagestatus="3" scene="14" country="CN" province="Guangdong" city="Shenzhen" sign="" percard="1" sex="1" alias="" weibo="" albumflag="0" albumstyle="0" albumbgimgid="" snsflag="273" snsbgimgid="" snsbgobjectid="0" mhash="${rng.hex(32)}" mfullhash="${rng.hex(32)}" bigheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/${rng.base36(80)}/0" smallheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/${rng.base36(80)}/132" ticket="v4_${rng.hex(120)}@stranger" opcode="2" googlecontact="" qrticket="" chatroomusername="" sourceusername="" sourcenickname="" sharecardusername="" sharecardnickname="" cardversion="" extflag="0"><brandlist count="0" ver="0"></brandlist></msg>`;
}

function card(ctx: ContentContext): string {
  const { rng } = ctx;
  return `<?xml version="1.0"?>\n<msg bigheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/${rng.base36(80)}/0" smallheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/${rng.base36(80)}/132" username="wxid_${rng.base36(14)}" nickname="${esc(rng.pick(TITLES))}" fullpy="" shortpy="" alias="" imagestatus="3" scene="17" province="北京" city="中国" sign="" sex="2" certflag="0" certinfo="" brandIconUrl="" brandHomeUrl="" brandSubscriptConfigUrl="" brandFlags="0" regionCode="CN_Beijing_Chaoyang" biznamecardinfo="" antispamticket="v4_${rng.hex(100)}@stranger" />\n`;
}

function revoke(ctx: ContentContext): string {
  const ref = ctx.ref!;
  return `<sysmsg type="revokemsg"><revokemsg><session>${ref.conv.from}</session><msgid>${ctx.rng.range(1e8, 2e9)}</msgid><newmsgid>${ref.msgId}</newmsgid><replacemsg><![CDATA["${ref.conv.senderName}" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>`;
}

function pat(ctx: ContentContext): string {
  const c = ctx.conv;
  return `<sysmsg type="pat"><pat><fromusername>${c.sender}</fromusername><chatusername>${c.from}</chatusername><pattedusername>${ctx.world.bot}</pattedusername><patsuffix><![CDATA[]]></patsuffix><patsuffixversion>0</patsuffixversion><template><![CDATA["\${${c.sender}}" 拍了拍我]]></template></pat></sysmsg>`;
}

function system(ctx: ContentContext): string {
  const { rng } = ctx;
  return rng.pick([
    `"${ctx.conv.senderName}"邀请"小明"加入了群聊`,
    '你已添加了Alice，现在可以开始聊天了。',
    `<a href="weixin://revoke">${esc(ctx.conv.senderName)}</a> 修改群名为“周末&lt;爬山&gt;群”`,
    '以上是打招呼的内容',
    '收到红包，请在手机上查看',
  ]);
}

function statusSync(ctx: ContentContext): string {
  const { rng } = ctx;
  return `<msg>\n<op id='${rng.range(1, 11)}'>\n<username>${ctx.conv.from}</username>\n<name>lastMessage</name>\n<arg>{"messageSvrId":"${rng.digits(19)}","MsgCreateTime":"${ctx.createTime}"}</arg>\n</op>\n</msg>`;
}

function filler(ctx: ContentContext, n: number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    const p = ctx.rng.pick(PHRASES);
    parts.push(p);
    len += p.length + 1;
  }
  return parts.join(' ');
}

function appmsg(ctx: ContentContext, appType: number): string {
  const { rng, real } = ctx;
  const title = esc(rng.pick(TITLES));
  const url = `https://${rng.pick(HOSTS)}?__biz=${rng.base36(16)}&amp;mid=${rng.digits(10)}&amp;idx=1&amp;sn=${rng.hex(32)}&amp;chksm=${rng.hex(len(ctx, 16, 120))}#rd`;
  let body: string;
  switch (appType) {
    case 5: {
      const articles = real ? rng.range(1, 8) : 0;
      let items = '';
      for (let k = 0; k < articles; k++) {
        items += `<item><itemshowtype>0</itemshowtype><title><![CDATA[${rng.pick(TITLES)}]]></title><url><![CDATA[${url}]]></url><shorturl><![CDATA[]]></shorturl><longurl><![CDATA[]]></longurl><pub_time>${ctx.createTime}</pub_time><cover><![CDATA[https://mmbiz.qpic.cn/mmbiz_jpg/${rng.base36(160)}/640?wxfmt=jpeg]]></cover><digest><![CDATA[${filler(ctx, len(ctx, 0, 300))}]]></digest><fileid>${rng.digits(9)}</fileid><sources><source><name><![CDATA[公众号]]></name></source></sources></item>`;
      }
      body = `<title>${title}</title><des>${esc(filler(ctx, len(ctx, 20, 200)))}</des><type>5</type><url>${url}</url><thumburl>https://mmbiz.qpic.cn/mmbiz_jpg/${rng.base36(len(ctx, 20, 120))}/300</thumburl>${articles ? `<mmreader><category type="20" count="${articles}"><name><![CDATA[公众号]]></name><topnew><cover><![CDATA[]]></cover><width>0</width><height>0</height><digest><![CDATA[]]></digest></topnew>${items}</category><publisher><username><![CDATA[gh_${rng.hex(12)}]]></username><nickname><![CDATA[公众号]]></nickname></publisher></mmreader>` : ''}`;
      break;
    }
    case 6:
      body = `<title>报告_${rng.digits(4)}.pdf</title><des></des><type>6</type><appattach><totallen>${rng.range(1e4, 1e8)}</totallen><attachid>@cdn_${cdn(ctx, 60, 600)}_${rng.hex(32)}_1</attachid><emoticonmd5></emoticonmd5><fileext>pdf</fileext><cdnattachurl>${cdn(ctx, 60, 600)}</cdnattachurl><aeskey>${rng.hex(32)}</aeskey><encryver>1</encryver><overwrite_newmsgid>${rng.digits(19)}</overwrite_newmsgid><fileuploadtoken>v1_${rng.base36(len(ctx, 40, 400))}</fileuploadtoken></appattach><md5>${rng.hex(32)}</md5>`;
      break;
    case 57: {
      const ref = ctx.ref!;
      const quoted = real && rng.chance(0.3) ? esc(image(ctx)) : esc(text(ctx));
      body = `<title>${esc(text(ctx))}</title><des></des><type>57</type><refermsg><type>${quoted.startsWith('&lt;') ? 3 : 1}</type><svrid>${ref.msgId}</svrid><fromusr>${ref.conv.from}</fromusr><chatusr>${ref.conv.sender}</chatusr><displayname>${esc(ref.conv.senderName)}</displayname>${ctx.real ? `<msgsource>${esc(msgsource(ctx))}</msgsource>` : ''}<content>${quoted}</content><createtime>${ctx.createTime - rng.range(10, 86400)}</createtime></refermsg>`;
      break;
    }
    case 19: {
      const n = real ? rng.range(3, 60) : 1;
      let items = '';
      for (let k = 0; k < n; k++) {
        items += `&lt;dataitem datatype="1" dataid="${rng.hex(32)}"&gt;&lt;datadesc&gt;${esc(esc(text(ctx)))}&lt;/datadesc&gt;&lt;sourcename&gt;${esc(rng.pick(TITLES))}&lt;/sourcename&gt;&lt;sourceheadurl&gt;https://wx.qlogo.cn/mmhead/ver_1/${rng.base36(len(ctx, 10, 100))}/132&lt;/sourceheadurl&gt;&lt;sourcetime&gt;2026-01-0${rng.range(1, 9)} 12:00:00&lt;/sourcetime&gt;&lt;srcMsgCreateTime&gt;${ctx.createTime - rng.int(1e6)}&lt;/srcMsgCreateTime&gt;&lt;fromnewmsgid&gt;${rng.digits(19)}&lt;/fromnewmsgid&gt;&lt;dataitemsource&gt;&lt;hashusername&gt;${rng.hex(64)}&lt;/hashusername&gt;&lt;/dataitemsource&gt;&lt;/dataitem&gt;`;
      }
      body = `<title>群聊的聊天记录</title><des>${esc(filler(ctx, 60))}</des><type>19</type><url>https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/favorite_record__w_unsupport</url><recorditem>&lt;recordinfo&gt;&lt;title&gt;群聊的聊天记录&lt;/title&gt;&lt;desc&gt;...&lt;/desc&gt;&lt;datalist count="${n}"&gt;${items}&lt;/datalist&gt;&lt;favcreatetime&gt;${ctx.createTime}000&lt;/favcreatetime&gt;&lt;/recordinfo&gt;</recorditem>`;
      break;
    }
    case 33:
      body = !real
        ? `<title>${title}</title><type>33</type><weappinfo><pagepath><![CDATA[pages/index/index.html?id=${rng.digits(8)}]]></pagepath><username>gh_${rng.hex(12)}@app</username><appid>wx${rng.hex(16)}</appid></weappinfo>`
        : `<title>${title}</title><des></des><type>33</type><url>https://mp.weixin.qq.com/mp/waerrpage?appid=wx${rng.hex(16)}&amp;type=upgrade&amp;upgradetype=3#wechat_redirect</url><sourceusername>gh_${rng.hex(12)}@app</sourceusername><sourcedisplayname>小程序</sourcedisplayname><weappinfo><pagepath><![CDATA[pages/index/index.html?id=${rng.digits(8)}&from=${rng.base36(len(ctx, 10, 300))}]]></pagepath><username>gh_${rng.hex(12)}@app</username><appid>wx${rng.hex(16)}</appid><version>${rng.range(1, 900)}</version><type>2</type><weappiconurl><![CDATA[http://mmbiz.qpic.cn/mmbiz_png/${rng.base36(len(ctx, 20, 160))}/640?wx_fmt=png]]></weappiconurl><shareId><![CDATA[1_wx${rng.hex(16)}_${rng.hex(32)}_${ctx.createTime}_0]]></shareId><pkginfo><type>0</type><md5>${rng.hex(32)}</md5></pkginfo></weappinfo><appattach><cdnthumburl>${cdn(ctx, 60, 700)}</cdnthumburl><cdnthumbmd5>${rng.hex(32)}</cdnthumbmd5><cdnthumblength>${rng.range(1e4, 2e5)}</cdnthumblength><cdnthumbaeskey>${rng.hex(32)}</cdnthumbaeskey></appattach>`;
      break;
    case 2000:
      body = `<title><![CDATA[微信转账]]></title><des><![CDATA[收到转账${rng.range(1, 5000)}.00元。如需收钱，请点此升级至最新版本]]></des><type>2000</type><wcpayinfo><paysubtype>1</paysubtype><feedesc><![CDATA[￥${rng.range(1, 5000)}.00]]></feedesc><transcationid><![CDATA[${rng.digits(28)}]]></transcationid><transferid><![CDATA[${rng.digits(28)}]]></transferid><invalidtime><![CDATA[${ctx.createTime + 86400}]]></invalidtime><begintransfertime><![CDATA[${ctx.createTime}]]></begintransfertime><effectivedate><![CDATA[1]]></effectivedate><pay_memo><![CDATA[${text(ctx)}]]></pay_memo><receiver_username><![CDATA[${ctx.world.bot}]]></receiver_username></wcpayinfo>`;
      break;
    default:
      body = !real
        ? `<title><![CDATA[恭喜发财，大吉大利]]></title><type>2001</type><wcpayinfo><nativeurl><![CDATA[wxpay://c2cbizmessagehandler/hongbao/receivehongbao?sendid=${rng.digits(28)}&sign=${rng.hex(32)}]]></nativeurl><paymsgid><![CDATA[${rng.digits(28)}]]></paymsgid></wcpayinfo>`
        : `<title><![CDATA[恭喜发财，大吉大利]]></title><des><![CDATA[我给你发了一个红包，赶紧去拆!]]></des><type>2001</type><url><![CDATA[https://wxapp.tenpay.com/mmpayhb/wxhb_personalreceive?showwxpaytitle=1&msgtype=1&channelid=1&sendid=${rng.digits(28)}&ver=6&sign=${rng.hex(len(ctx, 64, 512))}]]></url><wcpayinfo><templateid><![CDATA[${rng.hex(32)}]]></templateid><url><![CDATA[https://wxapp.tenpay.com/mmpayhb/wxhb_personalreceive?sendid=${rng.digits(28)}]]></url><iconurl><![CDATA[https://wx.gtimg.com/hongbao/1800/hb.png]]></iconurl><receivertitle><![CDATA[恭喜发财，大吉大利]]></receivertitle><sendertitle><![CDATA[恭喜发财，大吉大利]]></sendertitle><scenetext><![CDATA[微信红包]]></scenetext><senderdes><![CDATA[查看红包]]></senderdes><receiverdes><![CDATA[领取红包]]></receiverdes><nativeurl><![CDATA[wxpay://c2cbizmessagehandler/hongbao/receivehongbao?msgtype=1&channelid=1&sendid=${rng.digits(28)}&sendusername=${ctx.conv.sender}&ver=6&sign=${rng.hex(len(ctx, 64, 512))}]]></nativeurl><sceneid><![CDATA[1002]]></sceneid><innertype><![CDATA[0]]></innertype><paymsgid><![CDATA[${rng.digits(28)}]]></paymsgid><locallogoicon><![CDATA[c2c_hongbao_icon_cn]]></locallogoicon><invalidtime><![CDATA[${ctx.createTime + 86400}]]></invalidtime><broaden /></wcpayinfo>`;
  }
  const thumb = real
    ? `<appattach><totallen>0</totallen><attachid /><emoticonmd5></emoticonmd5><fileext /><cdnthumburl>${cdn(ctx, 0, 700)}</cdnthumburl><cdnthumbmd5>${rng.hex(32)}</cdnthumbmd5><cdnthumblength>${rng.range(1e4, 9e4)}</cdnthumblength><cdnthumbwidth>150</cdnthumbwidth><cdnthumbheight>150</cdnthumbheight><cdnthumbaeskey>${rng.hex(32)}</cdnthumbaeskey><aeskey>${rng.hex(32)}</aeskey><encryver>0</encryver><filekey>${rng.hex(32)}</filekey></appattach>`
    : '';
  if (!real) return `<msg><appmsg appid="" sdkver="0">${body}</appmsg></msg>`;
  return `<?xml version="1.0"?>\n<msg>\n\t<appmsg appid="" sdkver="0">${body}${thumb}</appmsg>\n\t<fromusername>${ctx.conv.sender}</fromusername>\n\t<scene>0</scene>\n\t<appinfo>\n\t\t<version>1</version>\n\t\t<appname></appname>\n\t</appinfo>\n\t<commenturl></commenturl>\n</msg>\n`;
}

/** The record's `source`: `<msgsource>` XML, much longer in the real profile. */
export function msgsource(ctx: ContentContext): string {
  const { rng, conv, real } = ctx;
  const members = conv.group
    ? `<silence>${rng.int(2)}</silence><membercount>${ctx.world.roomSize(conv.chatroom)}</membercount>`
    : '';
  if (!real)
    return `<msgsource>${conv.group ? `<membercount>${ctx.world.roomSize(conv.chatroom)}</membercount>` : ''}<signature>v1_${rng.base36(8)}</signature></msgsource>`;
  const sig = `<signature>V1_${rng.base36(8)}|v1_${rng.base36(len(ctx, 8, 40))}</signature>`;
  return `<msgsource>${members}<alnode><fr>1</fr><cf>${rng.int(4)}</cf></alnode><bizflag>0</bizflag><sec_msg_node><uuid>${rng.hex(32)}_</uuid><risk-file-flag /><risk-file-md5-list /><alnode><inlenlist>${rng.range(1, 400)}</inlenlist></alnode></sec_msg_node><pua>1</pua><eggIncluded>1</eggIncluded>${sig}<tmp_node><publisher-id></publisher-id></tmp_node><imgmsg_pd cdnmidimgurl_size="${rng.range(1e4, 9e5)}" cdnmidimgurl_pd_pri="30" cdnmidimgurl_pd="0" /><bizmsg><bizclientmsgid><![CDATA[${rng.hex(64)}]]></bizclientmsgid></bizmsg></msgsource>`;
}
