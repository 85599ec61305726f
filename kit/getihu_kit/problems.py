"""The problem types: every `code` a problem+json body can carry, with the page its `type` names.

Each problem's `"type": "/problems/{code}"` resolves at the gateway to the entry here: its HTTP
status, a Chinese title, what it means and why it typically happens, and what the caller can do.
Plain data (no FastAPI): services never import it, the gateway renders it, and a test over the
source keeps it complete — a code raised anywhere without an entry here, or an entry no code
raises, fails the build.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    title: str
    description: str  # what it means and its typical cause
    action: str       # what a clerk or an integrator does about it


def _p(code: str, status: int, title: str, description: str, action: str) -> ProblemType:
    return ProblemType(code, status, title, description, action)


_GENERIC = [
    _p("bad_request", 400, "请求有误",
       "请求无法按接口的约定处理：例如请求体不是合法的 JSON、与 Content-Type 不符，或缺少必需的部分。",
       "按 detail 的提示核对请求的格式与内容，修改后重新提交。"),
    _p("control_characters", 400, "请求含有非法字符",
       "请求地址、查询参数或 JSON 请求体中含有不可见的控制字符（如 NUL、\\u0000）。这类字符多在从其他系统或表格复制数据时带入，"
       "没有任何业务含义，数据库也无法保存。",
       "删除这些字符后重试；批量报送的数据请在导出端清洗。"),
    _p("unauthorized", 401, "未登录",
       "此操作需要登录：请求没有携带令牌，或 Authorization 请求头不是“Bearer <令牌>”的格式。",
       "登录后在 Authorization 请求头中携带“Bearer <令牌>”再试。"),
    _p("token_expired", 401, "令牌已过期",
       "令牌超过了有效期（exp）。令牌只在签发后的一段时间内有效。",
       "重新登录获取新令牌；对接系统应在令牌过期前重新获取。"),
    _p("token_not_yet_valid", 401, "令牌尚未生效",
       "令牌的签发时间（iat）或生效时间（nbf）晚于平台当前时间，通常是签发方与平台服务器的时钟不一致。",
       "校准签发方服务器的时钟（如启用 NTP 对时）后重新获取令牌。"),
    _p("token_invalid", 401, "令牌无效",
       "令牌无法通过验证：签名不符或格式损坏、签发方（iss）不是本平台认可的身份认证服务、受众（aud）不是本平台、"
       "缺少必需的声明（exp、iat、iss、sub、aud），或使用了不被接受的签名算法。detail 说明是哪一种。",
       "使用本平台登录获得的令牌；对接方请核对签发方、受众与签名密钥的配置。"),
    _p("forbidden", 403, "无权操作",
       "已登录，但当前身份无权执行此操作：角色不符（如经营者调用工作人员接口），或对象不在本辖区（如县级人员办理其他县的个体工商户）。",
       "换用有相应角色与辖区的账号办理；确需办理的，请联系上级部门或系统管理员。"),
    _p("not_found", 404, "未找到",
       "请求的接口不存在，或地址中的编号所指的对象不存在、对当前身份不可见（如公众查看未公示的内容）。",
       "核对地址与编号（接口清单见 /docs）；确认对象已创建、已公示。"),
    _p("method_not_allowed", 405, "方法不允许",
       "该地址存在，但不支持此请求方法（如对只读接口发送 POST）。",
       "按接口文档（/docs）使用正确的方法。"),
    _p("not_acceptable", 406, "无法提供",
       "请求的 Accept 头所要求的格式，本接口无法提供。",
       "去掉 Accept 头，或改为 application/json；可导出的列表另支持 text/csv 与 XLSX。"),
    _p("conflict", 409, "冲突",
       "请求与对象的当前状态冲突，例如对象已存在，或其状态不允许此操作。",
       "重新读取对象的当前状态，按 detail 的说明处理后再提交。"),
    _p("rule_violation", 409, "不符合规定",
       "政策规定不允许此操作，例如超出名额、不在规定期限内或条件不满足。detail 说明依据的是哪一条。",
       "按 detail 所述的规定办理；对结果有异议的，可按程序提出异议。"),
    _p("idempotency_key_in_flight", 409, "请求处理中",
       "带同一 Idempotency-Key 的上一次请求仍在处理，本次请求没有执行，以免同一操作做两次。通常是客户端超时后立即重试所致。",
       "稍候用同一个 Idempotency-Key 重试，即可得到第一次请求的应答。"),
    _p("payload_too_large", 413, "内容过大",
       "上传的内容超过了接口允许的大小。",
       "将文件拆分后分批上传，或删去不需要的列后重试。"),
    _p("unsupported_media_type", 415, "不支持的文件类型",
       "请求的 Content-Type 不是接口接受的类型（如批量导入只接受 CSV、XLSX 与 JSON Lines），或文件内容与声明的类型不符。",
       "按 detail 列出的类型上传，并使 Content-Type 与文件实际格式一致。"),
    _p("invalid_input", 422, "输入有误",
       "有字段缺失、格式不对或取值超出范围；errors 中逐项列出字段（field）、位置（in）与原因（message）。"
       "分页游标无效、统一社会信用代码或身份证号校验位不符也属此类。",
       "按 errors 逐项修改后重新提交；分页时请原样传入上一页响应中的 next_cursor。"),
    _p("idempotency_key_reused", 422, "幂等键重复使用",
       "这个 Idempotency-Key 已用于一个内容不同的请求（地址、参数或请求体不同）。同一个键只能代表同一个请求。",
       "每个新请求生成一个新的键（建议 UUID）；只有重发同一个请求时才沿用原来的键。"),
    _p("internal_error", 500, "服务器内部错误",
       "服务器处理请求时出现了意外错误，这不是请求本身的问题。",
       "稍后重试；如持续出现，请将应答中的 request_id 告知运维人员。"),
    _p("upstream_unavailable", 502, "上游服务不可用",
       "网关无法连接处理该请求的后端服务（detail 与 service 字段说明是哪一个），多为服务正在重启或故障。",
       "稍后重试；如持续出现，请联系运维人员并提供 request_id。"),
    _p("not_ready", 503, "未就绪",
       "服务已启动，但其数据库暂不可用，暂时不能处理请求（各服务的 /readyz 以此应答）。",
       "稍后重试；运维人员请检查该服务的数据库连接。"),
    _p("upstream_timeout", 504, "上游服务超时",
       "后端服务在规定时间内没有应答（detail 与 service 字段说明是哪一个），多为负载过高或请求的数据量过大。",
       "稍后重试；查询大量数据时请缩小范围或减小 limit，大批量导入请使用文件上传（任务）接口。"),
]

_REGISTRY = [
    _p("business_not_found", 404, "个体工商户未登记",
       "平台中没有这个统一社会信用代码的个体工商户：尚未登记，或代码有误。",
       "核对统一社会信用代码；确未登记的，先登记（POST /api/v1/businesses）再办理年报、标记、变更等业务。"),
    _p("before_establishment", 409, "日期早于成立日期",
       "所填的生效或变更日期早于该个体工商户的成立日期，这在登记上不可能成立。",
       "核对日期与成立日期；成立日期本身有误的，先更正登记信息。"),
    _p("operator_unchanged", 409, "经营者未变更",
       "提交的经营者信息与现有登记一致，没有需要变更的内容。",
       "核对要变更的经营者姓名与身份证号；无需变更的不必提交。"),
    _p("operator_change_date", 409, "经营者变更日期有误",
       "经营者变更日期不晚于现任经营者的起始日期，变更的先后顺序不成立。",
       "填写晚于现任经营者起始日期的变更日期（detail 给出该起始日期）。"),
    _p("window_exists", 409, "年报窗口已开启",
       "该年度的年报窗口已经开启或已经关闭，每个年度只开启一次。",
       "查看该年度窗口的状态；需要结束年报的，关闭窗口即可。"),
    _p("window_closed", 409, "窗口已关闭",
       "办理的事项所在的窗口不在开放期：该年度的年报窗口已经关闭（不能再次关闭），或本县“名特优新”申报窗口未开放"
       "（每年分型结果公布后开放，至截止日期关闭）。",
       "核对年度与日期；申报“名特优新”的，请在本县申报窗口开放期间提交（GET /api/v1/cultivation/windows 查看）。"),
    _p("window_not_found", 404, "年报窗口未开启",
       "本系统中还没有该年度的年报窗口：尚未开启，也未关闭。",
       "核对年度；需要时由地区市场监管局开启该年度的年报窗口。"),
]

_DATA_SHARING = [
    _p("dataset_not_allowed", 403, "数据集不符",
       "报送机构的令牌只能报送其绑定的数据集（如税务局只报送 tax），本次报送的数据集与令牌不符。",
       "使用本机构令牌报送本机构的数据集；需要报送其他数据集的，请联系管理员另行授权。"),
    _p("batch_not_found", 404, "批次不存在",
       "没有这个编号的数据报送批次。",
       "核对批次编号（报送时应答中的 id）。"),
    _p("region_unknown", 403, "辖区无法确认",
       "该个体工商户的登记信息尚未同步到数据共享服务，无法确认其所属辖区，因此县级人员暂不能查看其共享数据。",
       "稍后再试（登记信息通常很快同步）；急需的，可由地区市场监管局人员查看。"),
    _p("job_not_found", 404, "任务不存在",
       "没有这个编号的任务（导入、报送文件、分型运行或发布）。任务编号的前缀表明所属服务（rg_、ds_、ty_ 等）。",
       "核对任务编号（提交时 202 应答中的 id 或 job_id）。"),
]

_TYPING = [
    _p("run_not_found", 404, "分型运行不存在",
       "没有这个编号的分型运行，或它不属于所查询的年度。",
       "核对运行编号与年度（GET /api/v1/typing/runs?year= 列出该年度的运行）。"),
    _p("run_already_published", 409, "分型运行已发布",
       "该分型运行的结果已经发布，不能重复发布。",
       "无需操作；需要调整结果的，重新发起分型运行后发布新的运行。"),
    _p("run_publishing", 409, "分型运行正在发布",
       "该分型运行正在发布，发布任务尚未结束。",
       "查看运行（或其 job_id 对应的任务）的进度，等待状态变为 published，不必重复发布。"),
    _p("run_not_completed", 409, "分型运行尚未完成",
       "只有已完成（completed）的分型运行可以发布；该运行仍在排队、等待数据、运行中，或已失败。",
       "等待运行完成后再发布；运行失败的，按 message 排查后重新发起运行。"),
    _p("year_publishing", 409, "该年度正在发布",
       "同一年度的另一个分型运行正在发布。同一年度的两个运行同时发布会打乱全国名录推送的版本顺序，因此一次只发布一个。",
       "等待另一运行发布完成（detail 给出其编号）后再发布。"),
    _p("typing_job_failed", 500, "分型任务出错",
       "分型运行或发布的任务在执行中出错而停止（运行或任务的 message 记录此说明）。已发布的结果保持有效。",
       "分型运行出错的，稍后重新发起运行；发布未完成的，再次发布即从中断处继续。如持续出现，请联系运维人员。"),
    _p("result_not_found", 404, "无已发布的分型结果",
       "该个体工商户在所查询的年度还没有已发布的分型结果：当年的分型尚未发布，或该户当年不在分型范围内。",
       "核对年度与统一社会信用代码；分型结果在每年集中分型发布后可查。"),
]

_CULTIVATION = [
    _p("invalid_state", 409, "当前状态不允许此操作",
       "对象（申报、认定、分类标准或异议）当前所处的状态不允许此操作，例如撤回已办结的申报、认定未公示的申报、"
       "对未要求补充材料的认定提交材料。detail 给出当前状态与允许的状态。",
       "重新读取对象的当前状态，按办理流程的顺序操作。"),
    _p("not_eligible", 409, "不符合申报条件",
       "该个体工商户不符合“名特优新”申报（推荐）的条件，例如分型类型不是成长型或发展型、处于经营异常或严重违法失信名单、"
       "经营者被列为失信被执行人。应答的 refusals 逐条列出不符合的条件。",
       "按 refusals 逐条核对；条件改变后（如移出经营异常名录）可再次申报。"),
    _p("one_category", 409, "只能认定一类",
       "一户个体工商户同一时期只能被认定为“名特优新”中的一类，该户已持有有效的认定。",
       "在已有认定有效期内不再申报其他类别；确需改变类别的，待原认定到期或撤销后申报。"),
    _p("duplicate_application", 409, "重复申报",
       "该户在本年度已有一件办理中的申报（或推荐），不能重复提交。",
       "查看并跟进已有的申报；确需重新提交的，先撤回原申报。"),
    _p("criteria_not_published", 409, "分类标准未公示",
       "本县尚未公示该年度该类别的“名特优新”分类标准，按规定标准公示后才能申报。",
       "县级市场监管部门先制定、报地局备案并公示分类标准；申报人改选已公示标准的类别，或待公示后申报。"),
    _p("below_pass_score", 409, "得分低于认定分数",
       "申报按本县分类标准评出的得分低于认定分数，不能审核通过（detail 给出得分与认定分数）。",
       "核对各项指标的取值与证明材料；确不达标的，作不通过处理。"),
    _p("notice_running", 409, "公示期未满",
       "申报仍在公示期内，公示期满且无未办结的异议后才能认定。",
       "待 detail 所示的公示截止日期过后再认定。"),
    _p("objection_open", 409, "有未办结的异议",
       "公示期内有人对该申报提出了异议，异议尚未办结，因此暂不能认定。",
       "先办结异议（异议服务），再作认定。"),
    _p("not_recognisable", 409, "不能认定",
       "认定时复核发现不满足认定条件，例如申报条件已不满足、该户已有其他类别的有效认定、同一经营者在本县已有认定，"
       "或本县本年度的认定名额（成长型与发展型户数的一定比例）已满。应答的 refusals 逐条列出原因。",
       "按 refusals 处理；名额已满的，不予认定或待下一年度。"),
    _p("deadline_passed", 409, "补充材料期限已过",
       "抽查要求的补充材料期限已过，不能再提交。",
       "联系地区市场监管局说明情况；逾期未补充的按抽查规定处理。"),
    _p("duplicate_report", 409, "年度信息已报告",
       "该认定本年度的信息报告已经提交，每年只报告一次。",
       "无需重复报告；报告有误的，联系县级市场监管部门更正。"),
    _p("not_last_year", 409, "未到评估时间",
       "认定的评估在有效期的最后一年进行，现在还不到评估的时间（detail 给出有效期）。",
       "在有效期的最后一年内再发起评估。"),
]

_APPEAL = [
    _p("appeal_not_found", 404, "异议不存在",
       "没有这个编号的异议，或当前身份无权查看。",
       "核对异议编号（提出异议时应答中的 id）。"),
    _p("evidence_not_found", 404, "证明材料不存在",
       "该异议下没有这个编号的证明材料。",
       "核对材料编号（异议详情中列出）。"),
    _p("appeal_already_open", 409, "已有未办结的异议",
       "您对同一对象已有一件未办结的异议（应答的 appeal_id 给出其编号），不能同时提出第二件。",
       "等待原异议的处理结果，或先撤回原异议再重新提出。"),
    _p("no_published_result", 404, "无已公布的分型结果",
       "该户在所述年度还没有已公布的分型结果，分型异议只能针对已公布的结果提出。",
       "核对年度；待当年分型结果公布后再提出异议。"),
    _p("notice_not_found", 404, "公示不存在",
       "没有这个编号的公示中的申报，公示异议只能针对公示中的申报提出。",
       "核对公示编号（GET /api/v1/cultivation/notices 列出当前公示）。"),
    _p("notice_closed", 409, "不在公示期内",
       "该申报当前不在公示期内（尚未公示或公示已结束），不能再提出公示异议。",
       "公示期内提出异议；公示已结束的，可向县级市场监管部门反映。"),
    _p("material_deadline_passed", 409, "补充材料期限已过",
       "受理部门要求补充材料的期限已过，不能再补充。",
       "联系受理部门说明情况；必要时重新提出异议。"),
    _p("evidence_too_large", 422, "证明材料过大",
       "某份证明材料超过了单个文件的大小上限（detail 给出上限）。",
       "压缩或拆分该材料（如降低扫描分辨率）后重新提交。"),
]

_NOTIFY = [
    _p("delivery_not_dead", 409, "投递未失败",
       "只有投递失败（dead）的邮件或短信可以重新投递；该记录仍在投递中或已送达。",
       "查看投递记录的状态；投递中的会自动重试，无需手动重新投递。"),
]

ALL: tuple[ProblemType, ...] = (*_GENERIC, *_REGISTRY, *_DATA_SHARING, *_TYPING, *_CULTIVATION, *_APPEAL, *_NOTIFY)
PROBLEM_TYPES: dict[str, ProblemType] = {p.code: p for p in ALL}


def type_uri(code: str) -> str:
    """The `type` of a problem+json body: the path the gateway serves its page at."""
    return f"/problems/{code}"
