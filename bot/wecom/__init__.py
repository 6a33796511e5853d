"""WeCom (企业微信): a self-built app (自建应用) as the bot's second messenger, beside Telegram.

- `crypto`: the callback's 加解密方案 (WXBizMsgCrypt): URL check, decryption, passive reply;
- `inbound`: a decrypted callback (接收消息与事件) as the bot's inbound event;
- `api`, `errors`: the server API and its errcodes as the port's neutral errors;
- `render`: the runtime-neutral reply as WeCom's message bodies.
"""
