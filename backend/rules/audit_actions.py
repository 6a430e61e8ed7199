"""The audit trail's event types and subjects, with their Chinese labels: pure enums below the
database layer, so that the audit table can name them as its column's choices."""

from __future__ import annotations

from backend.lib.labels import LabelledEnum


class AuditAction(LabelledEnum):
    """Event types; each carries its Chinese label."""

    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账户锁定"
    UNLOCK = "unlock", "解锁账户"
    LOGOUT = "logout", "退出登录"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    USER_CREATE = "user_create", "创建用户"
    USER_UPDATE = "user_update", "修改用户"
    USER_DISABLE = "user_disable", "停用用户"
    USER_ENABLE = "user_enable", "启用用户"
    TOKEN_CREATE = "token_create", "创建接口令牌"
    TOKEN_REVOKE = "token_revoke", "吊销接口令牌"
    TOKEN_BREAK_GLASS = "token_break_glass", "命令行应急签发接口令牌"
    MFA_ENROL = "mfa_enrol", "绑定动态口令"
    MFA_RESET = "mfa_reset", "重置动态口令"
    MFA_RECOVERY_USED = "mfa_recovery_used", "使用恢复码登录"
    ENTERPRISE_CREATE = "enterprise_create", "新增企业"
    ENTERPRISE_UPDATE = "enterprise_update", "修改企业"
    ENTERPRISE_DEACTIVATE = "enterprise_deactivate", "停用企业"
    ENTERPRISE_IMPORT = "enterprise_import", "导入企业名录"
    SUBMISSION_CREATE = "submission_create", "报送材料"
    REVIEW = "review", "审核"
    EXEMPTION = "exemption", "不适用/延期"
    EXPORT = "export", "导出"
    FILE_DOWNLOAD = "file_download", "下载文件"
    UPLOAD_REFUSED = "upload_refused", "上传被拒绝"
    AUDIT_EXPORT = "audit_export", "导出操作日志"
    SCORE_ADJUST = "score_adjust", "调整得分"
    AUDIT_VIEW = "audit_view", "查看操作日志"
    AUDIT_HEAD_EXPORT = "audit_head_export", "导出操作日志链头"
    AUDIT_HEAD_CHECK = "audit_head_check", "核对操作日志链头"
    AUDIT_KEY_ROTATE = "audit_key_rotate", "更换操作日志密钥"
    AUDIT_REANCHOR = "audit_reanchor", "操作日志改用密钥签名"
    CSRF_FAILED = "csrf_failed", "跨站请求校验失败"
    ACCESS_DENIED = "access_denied", "越权访问被拒绝"
    LISTS_IMPORT = "lists_import", "导入三张清单"
    CHASE = "chase", "催报"


class AuditEntity(LabelledEnum):
    """What an audit event is about (its `entity`), as the auditor reads it."""

    ACCOUNT = "account", "账户"
    API_TOKEN = "api_token", "接口令牌"
    AUDIT_EVENT = "audit_event", "操作日志"
    REQUEST = "request", "请求"
    EFFECTIVENESS_RATING = "effectiveness_rating", "有效性评价"
    ENTERPRISE = "enterprise", "企业"
    EXEMPTION = "exemption", "不适用/延期记录"
    EXPORT_JOB = "export_job", "导出任务"
    REVIEW = "review", "审核"
    SCORE_ADJUSTMENT = "score_adjustment", "加减分"
    SCORE_LOCK = "score_lock", "得分锁定"
    SUBMISSION = "submission", "报送材料"
    SUBMISSION_FILE = "submission_file", "报送文件"
    CHASE = "chase", "催报"
