/** Whether a WeChat id names a chatroom (a group), OpenIM rooms included. */
export function isRoomId(id: string): boolean {
  return id.endsWith('@chatroom') || id.endsWith('@im.chatroom');
}
