<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
    <name>fieldsync::app::ConflictModel</name>
    <message>
        <source>Only %1 may settle a conflict.</source>
        <translation>只有%1可以处理冲突。</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>These conflicts are on your records. Only %1 may settle them; the values stay side by side until then.</source>
        <translation>这些冲突出现在您负责的记录上。只有%1可以处理；处理之前，各方的值会并列显示。</translation>
    </message>
</context>
<context>
    <name>fieldsync::app::RecordForm</name>
    <message>
        <source>Only %1 may change this.</source>
        <translation>只有%1可以修改此项。</translation>
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
</context>
</TS>
