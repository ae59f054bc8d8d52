<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgoText</name>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>1 minute ago</source>
        <translation>1分钟前</translation>
    </message>
    <message>
        <source>1 hour ago</source>
        <translation>1小时前</translation>
    </message>
    <message numerus="yes">
        <source>%n hours ago</source>
        <translation>
            <numerusform>%n小时前</numerusform>
        </translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation>1天前</translation>
    </message>
    <message numerus="yes">
        <source>%n days ago</source>
        <translation>
            <numerusform>%n天前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minutes ago</source>
        <translation>
            <numerusform>%n分钟前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
</context>
<context>
    <name>ContactActions</name>
    <message>
        <source>Call</source>
        <translation>拨打电话</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>发邮件</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
</context>
<context>
    <name>CustomerPage</name>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待同步</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>pending: not sent yet</source>
        <translation>待同步：尚未上传</translation>
    </message>
    <message>
        <source>conflict: under review</source>
        <translation>冲突：待审核</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit customer</source>
        <translation>编辑客户</translation>
    </message>
    <message>
        <source>History</source>
        <translation>修改记录</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>拜访</translation>
    </message>
    <message>
        <source>+ Log visit</source>
        <translation>+ 记录拜访</translation>
    </message>
    <message>
        <source>Log visit</source>
        <translation>记录拜访</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>+ New order</source>
        <translation>+ 新建订单</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>+ Add</source>
        <translation>+ 添加</translation>
    </message>
    <message>
        <source>New contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>售后工单</translation>
    </message>
    <message>
        <source>+ Open</source>
        <translation>+ 新建工单</translation>
    </message>
    <message>
        <source>New ticket</source>
        <translation>新建售后工单</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>售后工单</translation>
    </message>
</context>
<context>
    <name>FieldLabel</name>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Order lines</source>
        <translation>订单明细</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>拜访</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>售后工单</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>客户级别</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Territory</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Customer id</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Status reason</source>
        <translation>状态原因</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>负责人</translation>
    </message>
    <message>
        <source>Order date</source>
        <translation>下单日期</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>交付日期</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Order id</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Product id</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>拜访方式</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>拜访内容</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Visited on</source>
        <translation>拜访日期</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>拜访人</translation>
    </message>
    <message>
        <source>Next follow up</source>
        <translation>下次跟进</translation>
    </message>
    <message>
        <source>Order line id</source>
        <translation>订单明细</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Handler</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Opened on</source>
        <translation>开单日期</translation>
    </message>
    <message>
        <source>Resolved on</source>
        <translation>解决日期</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Sku</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>在售</translation>
    </message>
    <message>
        <source>Vip</source>
        <translation>VIP 客户</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>潜在客户</translation>
    </message>
    <message>
        <source>Regular</source>
        <translation>普通客户</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>上门拜访</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Exchange</source>
        <translation>换货</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Conflict opened</source>
        <translation>出现冲突</translation>
    </message>
    <message>
        <source>Conflict settled</source>
        <translation>冲突已处理</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <source>%1 · %2 · device %3</source>
        <translation>%1 · %2 · 设备 %3</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Nothing to review</source>
        <translation>没有待审核的冲突</translation>
    </message>
    <message>
        <source>1 open conflict</source>
        <translation>1 个待处理冲突</translation>
    </message>
    <message>
        <source>%1 open conflicts</source>
        <translation>%1 个待处理冲突</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Due today / overdue</source>
        <translation>今日跟进 / 已逾期</translation>
    </message>
    <message>
        <source>Search name, phone, e-mail</source>
        <translation>搜索客户名、电话、邮箱</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>跟进日期</translation>
    </message>
    <message>
        <source>No customers match.</source>
        <translation>没有符合条件的客户。</translation>
    </message>
    <message>
        <source>follow up %1</source>
        <translation>%1 跟进</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待同步</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>尚未登录</translation>
    </message>
    <message>
        <source>Sign in with the code from the office to sync.</source>
        <translation>用公司给的登录码登录后即可同步。</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>LifecycleActions</name>
    <message>
        <source>Next step</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Undo last step</source>
        <translation>撤销上一步</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>FieldSync</source>
        <translation>FieldSync</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>My conflicts</source>
        <translation>我的冲突</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Work lists</source>
        <translation>工作清单</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>暂不</translation>
    </message>
</context>
<context>
    <name>OrderFormPage</name>
    <message>
        <source>New order</source>
        <translation>新建订单</translation>
    </message>
    <message>
        <source>Add a product</source>
        <translation>选择产品</translation>
    </message>
    <message>
        <source>Add line</source>
        <translation>添加明细</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>订单明细</translation>
    </message>
    <message>
        <source>× %1 = %2</source>
        <translation>× %1 = %2</translation>
    </message>
    <message>
        <source>quantity must be a whole number</source>
        <translation>数量必须是整数</translation>
    </message>
    <message>
        <source>Total: %1 %2</source>
        <translation>合计：%1 %2</translation>
    </message>
    <message>
        <source>Due date (YYYY-MM-DD)</source>
        <translation>交付日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Save order</source>
        <translation>保存订单</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>New order for %1</source>
        <translation>为 %1 新建订单</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>交付日期</translation>
    </message>
</context>
<context>
    <name>OrderPage</name>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待同步</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Amount: %1 %2</source>
        <translation>金额：%1 %2</translation>
    </message>
    <message>
        <source>Due %1</source>
        <translation>交付日期 %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>订单明细</translation>
    </message>
    <message>
        <source>Edit order</source>
        <translation>编辑订单</translation>
    </message>
    <message>
        <source>History</source>
        <translation>修改记录</translation>
    </message>
    <message>
        <source>Delete order</source>
        <translation>删除订单</translation>
    </message>
    <message>
        <source>Delete order %1 and its lines? It is deleted at the office when you sync.</source>
        <translation>删除订单 %1 及其明细？同步后公司那边也会删除。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Only %1 may delete this record now.</source>
        <translation>目前只有%1可以删除这条记录。</translation>
    </message>
    <message>
        <source>Nobody may delete this record now.</source>
        <translation>这条记录目前不能删除。</translation>
    </message>
    <message>
        <source>follow up %1</source>
        <translation>%1 跟进</translation>
    </message>
    <message>
        <source>This record cannot be found.</source>
        <translation>找不到这条记录。</translation>
    </message>
    <message>
        <source>Records of this kind cannot be deleted from the phone.</source>
        <translation>这类记录不能在手机上删除。</translation>
    </message>
    <message>
        <source>This record is already deleted.</source>
        <translation>这条记录已经删除了。</translation>
    </message>
    <message>
        <source>This server address is not encrypted (ws://). Use a wss:// address, or, for testing only, turn on &quot;Allow unencrypted connection&quot; in Settings.</source>
        <translation>这个服务器地址未加密（ws://）。请使用 wss:// 地址；仅测试时可在设置中打开“允许未加密连接”。</translation>
    </message>
    <message>
        <source>The office server&apos;s certificate is for another address. Enter the server address exactly as the office gave it to you.</source>
        <translation>公司服务器的证书属于另一个地址。请按公司给的地址原样填写服务器地址。</translation>
    </message>
    <message>
        <source>The office server&apos;s certificate has expired. Tell the office; your changes are kept on the phone.</source>
        <translation>公司服务器的证书已过期。请告知公司；你的修改保存在手机上。</translation>
    </message>
    <message>
        <source>The office server&apos;s certificate is not valid yet. Check this phone&apos;s date and time.</source>
        <translation>公司服务器的证书尚未生效。请检查手机的日期和时间。</translation>
    </message>
    <message>
        <source>This phone does not trust the office server&apos;s certificate, so it did not connect. Check the CA certificate file in Settings, or ask the office for it.</source>
        <translation>手机不信任公司服务器的证书，因此没有连接。请检查设置中的 CA 证书文件，或向公司索取。</translation>
    </message>
    <message>
        <source>The CA certificate file in Settings is not a certificate (a PEM file is needed). Ask the office for the right file.</source>
        <translation>设置中的 CA 证书文件不是证书（需要 PEM 文件）。请向公司索取正确的文件。</translation>
    </message>
    <message>
        <source>The CA certificate file in Settings cannot be read. Check its path.</source>
        <translation>无法读取设置中的 CA 证书文件。请检查路径。</translation>
    </message>
    <message>
        <source>This phone cannot load its trusted certificates. Set a CA certificate file in Settings.</source>
        <translation>手机无法加载受信任的证书。请在设置中指定 CA 证书文件。</translation>
    </message>
    <message>
        <source>Could not open a secure connection to the office server. Check the address in Settings (wss:// needs a server with TLS).</source>
        <translation>无法与公司服务器建立安全连接。请检查设置中的地址（wss:// 需要支持 TLS 的服务器）。</translation>
    </message>
    <message>
        <source>Your sign-in has expired. Ask the office for a new token and enter it in Settings.</source>
        <translation>登录已过期。请向公司索取新的令牌，并在设置中填写。</translation>
    </message>
    <message>
        <source>Your sign-in was withdrawn by the office. Ask them for a new token.</source>
        <translation>公司已撤销你的登录。请向公司索取新的令牌。</translation>
    </message>
    <message>
        <source>The office did not accept your token. Check it in Settings.</source>
        <translation>公司没有接受你的令牌。请在设置中检查。</translation>
    </message>
    <message>
        <source>The office refused a change: it is outside your territories.</source>
        <translation>公司拒绝了一项修改：它不在你负责的区域内。</translation>
    </message>
    <message>
        <source>This phone&apos;s clock is wrong. Set the date and time automatically, then sync again.</source>
        <translation>手机时间不对。请设为自动设置日期和时间，然后重新同步。</translation>
    </message>
    <message>
        <source>This app is too old for the office server. Please update it.</source>
        <translation>应用版本太旧，公司服务器不支持。请更新应用。</translation>
    </message>
    <message>
        <source>The server address is not valid: %1</source>
        <translation>服务器地址无效：%1</translation>
    </message>
    <message>
        <source>There is no FieldSync server at this address. Check it in Settings.</source>
        <translation>这个地址上没有 FieldSync 服务器。请在设置中检查。</translation>
    </message>
    <message>
        <source>The office server is busy. Your changes are kept and will be sent shortly.</source>
        <translation>公司服务器繁忙。你的修改已保存，稍后会上传。</translation>
    </message>
    <message>
        <source>This phone was offline too long and must download everything again.</source>
        <translation>手机离线时间太长，需要重新下载全部数据。</translation>
    </message>
    <message>
        <source>The office server is restarting. Your changes are kept and will be sent shortly.</source>
        <translation>公司服务器正在重启。你的修改已保存，稍后会上传。</translation>
    </message>
    <message>
        <source>The office server&apos;s certificate could not be verified, so this phone did not connect. Check the CA certificate file and the server address in Settings.</source>
        <translation>无法验证公司服务器的证书，因此没有连接。请检查设置中的 CA 证书文件和服务器地址。</translation>
    </message>
    <message>
        <source>No connection to the office. Your changes are kept on the phone and sent later.</source>
        <translation>连不上公司服务器。你的修改保存在手机上，稍后上传。</translation>
    </message>
    <message>
        <source>Sync stopped: %1. Your changes are kept on the phone.</source>
        <translation>同步已停止：%1。你的修改保存在手机上。</translation>
    </message>
    <message>
        <source>Not accepted by the office: this record is outside your territories (%1).</source>
        <translation>公司未接受：这条记录不在你负责的区域内（%1）。</translation>
    </message>
    <message>
        <source>Not accepted by the office: a value is not valid (%1).</source>
        <translation>公司未接受：有一个值无效（%1）。</translation>
    </message>
    <message>
        <source>Not accepted by the office: %1</source>
        <translation>公司未接受：%1</translation>
    </message>
    <message>
        <source>Due %1</source>
        <translation>交付日期 %1</translation>
    </message>
</context>
<context>
    <name>RecordFormPage</name>
    <message>
        <source>Restored what you typed last time.</source>
        <translation>已恢复你上次填写的内容。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete this record? It is deleted on every phone and at the office when you sync.</source>
        <translation>删除这条记录？同步后所有手机和公司那边都会删除。</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>%1 overdue · %2 today · %3 in the next 7 days</source>
        <translation>已逾期 %1 · 今天 %2 · 未来 7 天 %3</translation>
    </message>
    <message>
        <source>Conversion of potential customers</source>
        <translation>潜在客户转化</translation>
    </message>
    <message>
        <source>%1 of %2 potential customers ordered (%3%)</source>
        <translation>%2 个潜在客户中 %1 个已下单（%3%）</translation>
    </message>
    <message>
        <source>Orders by status</source>
        <translation>订单（按状态）</translation>
    </message>
    <message>
        <source>Orders by month</source>
        <translation>订单（按月份）</translation>
    </message>
    <message>
        <source>no date</source>
        <translation>无日期</translation>
    </message>
    <message>
        <source>cancelled: %1 · %2</source>
        <translation>已取消：%1 · %2</translation>
    </message>
    <message>
        <source>Orders by rep</source>
        <translation>订单（按销售）</translation>
    </message>
    <message>
        <source>Orders by tier</source>
        <translation>订单（按客户级别）</translation>
    </message>
    <message>
        <source>Export as CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>These conflicts are on your records. Only %1 may settle them; the values stay side by side until then.</source>
        <translation>这些冲突出现在您负责的记录上。只有%1可以处理；处理之前，各方的值会并列显示。</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>My conflicts</source>
        <translation>我的冲突</translation>
    </message>
    <message>
        <source>Nothing to review.</source>
        <translation>没有待审核的冲突。</translation>
    </message>
    <message>
        <source>Shown now: %1</source>
        <translation>当前显示：%1</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>this phone</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>device %1</source>
        <translation>设备 %1</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Or type another value</source>
        <translation>或填写其他值</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>采用</translation>
    </message>
</context>
<context>
    <name>RuleText</name>
    <message>
        <source>Received</source>
        <translation>已接单</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>已排期</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>执行中</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已交付</translation>
    </message>
    <message>
        <source>After-sales</source>
        <translation>售后中</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处理中</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>Approve review</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>安排交付</translation>
    </message>
    <message>
        <source>Start work</source>
        <translation>开始执行</translation>
    </message>
    <message>
        <source>Mark delivered</source>
        <translation>确认交付</translation>
    </message>
    <message>
        <source>Hand to after-sales</source>
        <translation>转入售后</translation>
    </message>
    <message>
        <source>Cancel order</source>
        <translation>取消订单</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Start handling</source>
        <translation>开始处理</translation>
    </message>
    <message>
        <source>Mark resolved</source>
        <translation>标记已解决</translation>
    </message>
    <message>
        <source>Close ticket</source>
        <translation>关闭工单</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>Back to %1</source>
        <translation>退回到“%1”</translation>
    </message>
    <message>
        <source>a sales rep</source>
        <translation>销售代表</translation>
    </message>
    <message>
        <source>a supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <source>an administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source> or </source>
        <translation>或</translation>
    </message>
    <message>
        <source>VIP</source>
        <translation>VIP 客户</translation>
    </message>
    <message>
        <source>Potential</source>
        <translation>潜在客户</translation>
    </message>
    <message>
        <source>Regular</source>
        <translation>普通客户</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Order line</source>
        <translation>订单明细</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>上门拜访</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>售后工单</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>产品</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Office server</source>
        <translation>公司服务器</translation>
    </message>
    <message>
        <source>Token from the office</source>
        <translation>公司发的令牌</translation>
    </message>
    <message>
        <source>CA certificate file (optional)</source>
        <translation>CA 证书文件（可选）</translation>
    </message>
    <message>
        <source>Only if the office gave you one: the server&apos;s certificate must come from it. Empty: the phone&apos;s own trusted certificates.</source>
        <translation>仅当公司提供时填写：服务器证书必须由它签发。留空：使用手机自带的受信任证书。</translation>
    </message>
    <message>
        <source>Allow unencrypted connection (testing only)</source>
        <translation>允许未加密连接（仅限测试）</translation>
    </message>
    <message>
        <source>Save and sync</source>
        <translation>保存并同步</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Refused by the office</source>
        <translation>被公司拒绝</translation>
    </message>
    <message>
        <source>Nothing refused.</source>
        <translation>没有被拒绝的修改。</translation>
    </message>
    <message>
        <source>Got it</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>CA certificate file</source>
        <translation>CA 证书文件</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2), %3</source>
        <translation>当前登录：%1（%2），%3</translation>
    </message>
    <message>
        <source>territories: %1</source>
        <translation>负责区域：%1</translation>
    </message>
    <message>
        <source>all territories</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>FieldSync %1</source>
        <translation>FieldSync %1</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>上次同步：%1</translation>
    </message>
    <message>
        <source>The sign-in is kept in the phone&apos;s secure storage.</source>
        <translation>登录凭证保存在手机的安全存储中。</translation>
    </message>
    <message>
        <source>The sign-in is kept in a private file of the app (this device has no secure storage).</source>
        <translation>登录凭证保存在本应用的私有文件中（此设备没有安全存储）。</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Advanced: server address, token and certificate by hand</source>
        <translation>高级：手动填写服务器地址、令牌和证书</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign in with the code from the office</source>
        <translation>用公司给的登录码登录</translation>
    </message>
    <message>
        <source>Scan the office&apos;s QR code with the phone&apos;s camera, or open the link they sent you: the address and the code are filled in. Or type them here.</source>
        <translation>用手机相机扫描公司给的二维码，或打开公司发给你的链接，地址和登录码会自动填好。也可以在这里手动输入。</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Sign-in code</source>
        <translation>登录码</translation>
    </message>
    <message>
        <source>The link names the office&apos;s certificate: the code goes to that server only.</source>
        <translation>链接中带有公司服务器的证书信息：登录码只会发送到这台服务器。</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>The code works once and for a few minutes. Your edits made before signing in are kept and sent.</source>
        <translation>登录码只能用一次，几分钟内有效。登录前录入的内容会保留，登录后自动上传。</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>Offline: no server set</source>
        <translation>离线：未设置服务器</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>· synced %1</source>
        <translation>· 上次同步 %1</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>1 edit waiting</source>
        <translation>1 项修改待上传</translation>
    </message>
    <message>
        <source>%1 edits waiting</source>
        <translation>%1 项修改待上传</translation>
    </message>
    <message>
        <source>· 1 conflict</source>
        <translation>· 1 个冲突</translation>
    </message>
    <message>
        <source>· %1 conflicts</source>
        <translation>· %1 个冲突</translation>
    </message>
    <message>
        <source>· 1 refused</source>
        <translation>· 1 条被拒绝</translation>
    </message>
    <message>
        <source>· %1 refused</source>
        <translation>· %1 条被拒绝</translation>
    </message>
</context>
<context>
    <name>WorklistPage</name>
    <message>
        <source>Work lists</source>
        <translation>工作清单</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>售后工单</translation>
    </message>
    <message>
        <source>Nothing here.</source>
        <translation>暂无。</translation>
    </message>
    <message>
        <source>due %1</source>
        <translation>%1 到期</translation>
    </message>
    <message>
        <source>opened %1</source>
        <translation>%1 开单</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>售后工单</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::AppController</name>
    <message>
        <source>Not a record id: %1</source>
        <translation>不是记录编号：%1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Enter the token the office gave you.</source>
        <translation>请填写公司发给你的令牌。</translation>
    </message>
    <message>
        <source>The CA certificate file &quot;%1&quot; cannot be read. Check the path, or leave it empty to trust the phone&apos;s own certificates.</source>
        <translation>无法读取 CA 证书文件“%1”。请检查路径，或留空以使用手机自带的证书。</translation>
    </message>
    <message numerus="yes">
        <source>%n edit(s) not sent yet: connect to the office first, then sign out.</source>
        <translation>
            <numerusform>还有 %n 项修改未上传：请先连接公司服务器，再退出登录。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sending %n edit(s) first…</source>
        <translation>
            <numerusform>正在先上传 %n 项修改…</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter the server address from the office, or open the link they sent you.</source>
        <translation>请填写公司给的服务器地址，或打开公司发给你的链接。</translation>
    </message>
    <message>
        <source>Enter the code the office gave you.</source>
        <translation>请填写公司给你的登录码。</translation>
    </message>
    <message>
        <source>Cannot keep the server&apos;s certificate on this phone: %1</source>
        <translation>无法在本机保存服务器证书：%1</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::ConflictModel</name>
    <message>
        <source>Only %1 may settle a conflict.</source>
        <translation>只有%1可以处理冲突。</translation>
    </message>
    <message>
        <source>This conflict is no longer open.</source>
        <translation>这个冲突已经处理了。</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::DueFollowUpModel</name>
    <message>
        <source>due today</source>
        <translation>今天到期</translation>
    </message>
    <message>
        <source>1 day overdue</source>
        <translation>已逾期 1 天</translation>
    </message>
    <message numerus="yes">
        <source>%n days overdue</source>
        <translation>
            <numerusform>已逾期 %n 天</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>fieldsync::app::EnrolmentClient</name>
    <message>
        <source>This code is not known. Check what you typed, or ask the office for a new one.</source>
        <translation>登录码无效。请检查输入是否正确，或向公司要一个新的登录码。</translation>
    </message>
    <message>
        <source>This code was used already. Ask the office for a new one.</source>
        <translation>该登录码已被使用过。请向公司要一个新的登录码。</translation>
    </message>
    <message>
        <source>This code has expired. Ask the office for a new one.</source>
        <translation>该登录码已过期。请向公司要一个新的登录码。</translation>
    </message>
    <message>
        <source>The office issued you a newer code. Use that one.</source>
        <translation>公司已给你发了新的登录码，请使用新的登录码。</translation>
    </message>
    <message>
        <source>Your account is switched off. Ask the office.</source>
        <translation>你的账号已被停用，请联系公司。</translation>
    </message>
    <message numerus="yes">
        <source>Too many wrong codes. Try again in %n minute(s).</source>
        <translation>
            <numerusform>输错次数过多，请 %n 分钟后再试。</numerusform>
        </translation>
    </message>
    <message>
        <source>The enrolment link names a certificate but no encrypted address: ask the office for a new link.</source>
        <translation>登录链接带有证书信息，但服务器地址未加密：请向公司要一个新的链接。</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not the one your enrolment link names. Do not sign in on this network; ask the office.</source>
        <translation>服务器证书与登录链接中的不一致。请不要在此网络下登录，并联系公司。</translation>
    </message>
    <message>
        <source>The server refused the code (HTTP %1).</source>
        <translation>服务器拒绝了该登录码（HTTP %1）。</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted: %1</source>
        <translation>服务器证书不受信任：%1</translation>
    </message>
    <message>
        <source>Cannot reach the server: %1</source>
        <translation>无法连接服务器：%1</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::HistoryModel</name>
    <message>
        <source>History comes from the office server: set its address in Settings.</source>
        <translation>修改记录来自公司服务器：请在设置中填写服务器地址。</translation>
    </message>
    <message>
        <source>The office sent a history this app cannot read: %1</source>
        <translation>公司服务器发来的修改记录无法读取：%1</translation>
    </message>
    <message>
        <source>The office did not accept your token. Check it in Settings.</source>
        <translation>公司没有接受你的令牌。请在设置中检查。</translation>
    </message>
    <message>
        <source>This record is outside your territories.</source>
        <translation>这条记录不在你负责的区域内。</translation>
    </message>
    <message>
        <source>The office has no history for this record yet: it has not been synced.</source>
        <translation>公司那边还没有这条记录的修改记录：它尚未同步。</translation>
    </message>
    <message>
        <source>Could not load the history: %1</source>
        <translation>无法加载修改记录：%1</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>Restored</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>%1: settled on %2 (replaced %3)</source>
        <translation>%1：定为 %2（替换了 %3）</translation>
    </message>
    <message>
        <source>%1: %2 → %3 (at the same time: %4)</source>
        <translation>%1：%2 → %3（同时修改为：%4）</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1：%2 → %3</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::OrderForm</name>
    <message>
        <source>That product is not in the catalogue.</source>
        <translation>产品目录中没有这个产品。</translation>
    </message>
    <message>
        <source>Could not keep a draft: %1</source>
        <translation>无法保存草稿：%1</translation>
    </message>
    <message>
        <source>Add at least one product.</source>
        <translation>请至少添加一个产品。</translation>
    </message>
    <message>
        <source>The quantity of %1 must be a whole number above 0.</source>
        <translation>%1 的数量必须是大于 0 的整数。</translation>
    </message>
    <message>
        <source>All products of one order must have the same currency.</source>
        <translation>同一订单的所有产品必须使用同一币种。</translation>
    </message>
    <message>
        <source>The due date must be a date like %1.</source>
        <translation>交付日期的格式应为 %1。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::RecordForm</name>
    <message>
        <source>Only %1 may change this.</source>
        <translation>只有%1可以修改此项。</translation>
    </message>
    <message>
        <source>Worked out from the %1.</source>
        <translation>由%1计算得出。</translation>
    </message>
    <message>
        <source>Could not keep a draft: %1</source>
        <translation>无法保存草稿：%1</translation>
    </message>
    <message>
        <source>%1 is required.</source>
        <translation>%1为必填项。</translation>
    </message>
    <message>
        <source>Please correct the marked fields. Nothing was saved yet.</source>
        <translation>请修改标出的字段。尚未保存任何内容。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>This record is not saved yet.</source>
        <translation>这条记录尚未保存。</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::RecordMoves</name>
    <message>
        <source>Send it back from &quot;%1&quot; to &quot;%2&quot;?</source>
        <translation>确定从“%1”退回到“%2”吗？</translation>
    </message>
    <message>
        <source>Move it from &quot;%1&quot; to &quot;%2&quot;?</source>
        <translation>确定从“%1”改为“%2”吗？</translation>
    </message>
    <message>
        <source>Nothing more to do here.</source>
        <translation>此单已完结，无需后续操作。</translation>
    </message>
    <message>
        <source>The next step is not yours to take.</source>
        <translation>下一步需由他人处理，请耐心等待。</translation>
    </message>
    <message>
        <source>This step is not open to you now.</source>
        <translation>您目前不能执行这一步。</translation>
    </message>
    <message>
        <source>Please give a reason.</source>
        <translation>请填写原因。</translation>
    </message>
    <message>
        <source>%1 is needed for this step.</source>
        <translation>这一步需要填写“%1”。</translation>
    </message>
    <message>
        <source>Not allowed: %1</source>
        <translation>不允许：%1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Cannot undo: %1</source>
        <translation>无法撤销：%1</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::ReportBuilder</name>
    <message>
        <source>All territories and reps</source>
        <translation>全部区域和销售</translation>
    </message>
    <message>
        <source>Territory %1</source>
        <translation>区域 %1</translation>
    </message>
    <message>
        <source>Rep %1</source>
        <translation>销售 %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Orders by month</source>
        <translation>订单（按月份）</translation>
    </message>
    <message>
        <source>Orders by rep</source>
        <translation>订单（按销售）</translation>
    </message>
    <message>
        <source>Orders by territory</source>
        <translation>订单（按区域）</translation>
    </message>
    <message>
        <source>Orders by tier</source>
        <translation>订单（按客户级别）</translation>
    </message>
    <message>
        <source>After-sales tickets</source>
        <translation>售后工单</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进</translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::ServerApi</name>
    <message>
        <source>The CA certificate file &quot;%1&quot; cannot be read.</source>
        <translation>无法读取 CA 证书文件“%1”。</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::WorklistModel</name>
    <message>
        <source>Open orders</source>
        <translation>未完成订单</translation>
    </message>
    <message>
        <source>Open tickets</source>
        <translation>未关闭工单</translation>
    </message>
    <message>
        <source>Awaiting review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
</context>
</TS>
