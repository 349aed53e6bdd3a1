// What a person reads when an agency service refuses a command for a domain
// rule (422): one sentence per DomainError code, in each language, with the
// refusal's details put in (`{open}`, `{range.minYuan}`). The server's own text
// is never shown. A code missing here falls back to a general sentence with
// the code; test/console/refusals.unit.spec.ts collects every code the
// deciders in apps/*/src and libs/*/src throw and fails when one is missing.
// Plain data without imports: that test reads it without the browser's types.

export type RefusalLocale = 'zh-CN' | 'en';

export const refusals: Record<RefusalLocale, Readonly<Record<string, string>>> = {
  'zh-CN': {
    // SWC cases (apps/swc-service/src/cases/case.decider.ts)
    'case-not-found': '没有这个事项。',
    'case-closed': '该事项已办结，不能再操作；如需继续处理请先重新启动。',
    'text-required': '请填写说明，内容不能为空。',
    'case-already-open': '该事项已立案。',
    'already-triaged': '该事项已经分拨过了，请改用“调整风险等级”或“指派部门”。',
    'lead-is-co-handler': '牵头部门不能同时作为协办部门。',
    'duplicate-co-handler': '协办部门重复选择了。',
    'not-triaged': '请先对事项进行分拨（定级并确定牵头部门）。',
    'same-risk-level': '风险等级已经是该等级，无需调整。',
    'same-mode': '事项已处于该处置模式。',
    'red-stays-emergency': '红色风险事项必须保持应急模式。',
    'already-assigned': '该部门已有未完成的指派。',
    'lead-already-assigned': '该事项已有未完成的牵头指派，不能再指派牵头部门。',
    'unknown-assignment': '该事项没有这项指派。',
    'handoff-out-of-order': '指派当前状态为“{status}”，不能进行这一步。',
    'assignments-open': '还有部门未办结：{open}。全部指派完成后才能核验。',
    'no-completed-lead': '牵头部门尚未办结，不能核验。',
    'not-verified': '事项结果尚未核验，请先核验再操作。',
    'case-not-closed': '只有已办结的事项才能重新启动。',

    // assignment inboxes (libs/assignment-inbox/src/inbox.decider.ts)
    'already-received': '该指派已在本部门待办中。',
    'assignment-not-found': '本部门待办中没有这项指派。',
    'assignment-state': '指派当前状态为“{status}”，不能进行这一步。',

    // street issues (apps/street-service/src/issues/issue.decider.ts)
    'issue-unknown': '没有这条问题上报。',
    'issue-resolved': '该问题已办结，不能再操作。',
    'issue-not-acknowledged': '请先受理该问题。',
    'issue-exists': '该问题已上报过。',
    'reporter-contact-required': '居民投诉须留下投诉人的联系方式，以便回复。',
    'issue-already-acknowledged': '该问题已受理。',
    'issue-has-no-reporter-data': '该上报没有保存上报人的个人信息。',

    // street staff and credentials (apps/street-service/src/shared/staff.ts, credentials/)
    'enforcement-credential-required': '只有持有执法证的执法人员才能执行此操作。',
    'enforcement-credential-not-yet-valid':
      '执法证 {credentialNumber} 尚未生效（有效期 {validFrom} 至 {validTo}），暂不能执法。',
    'enforcement-credential-expired':
      '执法证 {credentialNumber} 已过期（有效期 {validFrom} 至 {validTo}），不能执法。',
    'enforcement-credential-withdrawn': '执法证 {credentialNumber} 已被注销，不能执法。',
    'role-required': '您的岗位不能执行此操作。',
    'evidence-captured-later':
      '证据的采集时间 {capturedAt} 晚于记录时间 {recordedAt}，请核对采集时间。',
    'case-unknown': '本单位没有参与过事项 {caseId}（未上报、未受派），不能办理。',
    'past-views-busy': '正在生成另一时间点的历史视图，请约 10 秒后再试。',
    'evidence-captured-too-early': '证据的采集时间 {capturedAt} 早于 2000 年，请核对采集时间。',
    'credential-validity-invalid': '执法证的截止日期必须晚于生效日期。',
    'credential-already-granted': '执法证号 {credentialNumber} 已经发放过，一个证号只能发放一次。',
    'credential-unknown': '该人员没有执法证 {credentialNumber}。',
    'credential-already-withdrawn': '执法证 {credentialNumber} 已于 {withdrawnAt} 注销。',

    // subjects (apps/street-service/src/subjects/subject.decider.ts)
    'subject-exists': '该当事人已登记。',
    'subject-unknown': '没有登记该当事人。',

    // the 721 progression (apps/street-service/src/enforcement/enforcement.decider.ts)
    'step-exists': '该执法步骤已存在。',
    'step-unknown': '没有这个执法步骤。',
    'evidence-required': '须至少附上一份证据。',
    // evidence files (libs/evidence-store/src/evidence-files.ts)
    'evidence-digest-mismatch':
      '提交的 SHA-256 与存储的文件不一致（存储的是 {stored}），文件可能在上传途中被改动，请重新上传。',
    'evidence-upload-unknown': '找不到这份上传的文件，请重新上传。',
    'evidence-upload-incomplete': '文件还在上传中，请等上传完成后再提交。',
    'evidence-upload-attached': '这份文件已附在其他证据上，不能重复使用。',
    'evidence-upload-expired': '这份文件上传后长时间未使用，已被清除，请重新上传。',
    'evidence-upload-repeated': '同一份文件被附了两次。',
    'evidence-kind-mismatch': '这份文件是作为“{uploaded}”上传的，不能记为“{recorded}”。',
    'progression-721':
      '不符合“721”工作法：近 {lookBackMonths} 个月内缺少{missing}（自 {windowStart} 起）。情节严重且写明法律依据的除外。',

    // penalty decisions (apps/street-service/src/decisions/decision.decider.ts)
    'decision-unknown': '没有这份处罚决定。',
    'decision-revoked': '该处罚决定已被撤销。',
    'decision-issued': '该处罚决定已经作出，不能再修改。',
    'review-not-requested': '该处罚决定没有在等待法制审核。',
    'reviewer-is-drafter': '起草人不能审核自己起草的处罚决定。',
    'decision-exists': '该处罚决定已存在。',
    'draft-not-revisable': '只有未送审或被退回的草稿才能修改。',
    'draft-returned': '草稿已被退回（{reasons}），请修改后再送审。',
    'review-not-possible': '该处罚决定当前不能送审。',
    'legal-review-required': '重大处罚决定须经法制审核通过后才能作出（当前第 {draft} 稿）。',
    'review-unsettled': '法制审核尚未结束，请先完成审核。',
    'decision-not-issued': '该处罚决定尚未作出。',
    'publicity-exists': '该处罚决定已公示。',
    'not-published': '该处罚决定没有正在公示的信息。',
    'appeal-exists': '该处罚决定已有复议或诉讼记录。',
    'appeal-time-limit-passed': '已超过 {timeLimitDays} 日的复议期限（截止 {deadline}）。',
    'no-pending-appeal': '该处罚决定没有待处理的复议或诉讼。',
    'changed-penalty-required': '变更决定须写明新的处罚内容。',

    // discretion standards (apps/street-service/src/discretion/discretion.decider.ts)
    'circumstance-duplicated': '裁量基准中“{circumstance}”情形出现了两次。',
    'range-invalid': '裁量幅度的下限不能高于上限。',
    'ranges-required': '裁量基准至少要有一个幅度。',
    'discretion-standard-missing': '该类别尚未发布裁量基准。',
    'discretion-range-missing':
      '裁量基准（第 {standardVersion} 版）没有“{circumstance}”情形的幅度。',
    'penalty-out-of-range':
      '罚款 {amountYuan} 元超出裁量基准允许的 {range.minYuan}–{range.maxYuan} 元（“{circumstance}”情形，第 {standardVersion} 版）。',

    // DRC warnings and projects (apps/drc-service/src)
    'warning-not-found': '没有这条风险预警。',
    'warning-lifted': '该预警已解除，不能再操作。',
    'warning-exists': '该预警已发布。',
    'level-unchanged': '预警等级已经是{level}。',
    'reason-required': '请填写理由。',
    'project-not-found': '没有这个民生项目。',
    'illegal-transition': '项目当前状态为“{status}”，不能进行这一步。',
    'proposer-cannot-decide': '项目申报人不能自己审批，请由他人审批。',
    'project-exists': '该项目已申报。',
    'invalid-budget': '预算必须是大于 0 的整数（元）。',
    'invalid-amount': '拨付金额必须是大于 0 的整数（元）。',
    'over-budget':
      '拨付将超出批准预算：批准 {approvedBudget} 元，已拨 {fundedTotal} 元，剩余 {remaining} 元。',
    'not-funded': '项目尚未拨付资金，不能结项。',
    'outcome-required': '结项须写明项目成果。',
  },

  en: {
    'case-not-found': 'There is no such case.',
    'case-closed': 'This case is closed. Reopen it to work on it again.',
    'text-required': 'Please write a reason or note; it cannot be empty.',
    'case-already-open': 'This case is already open.',
    'already-triaged':
      'This case was triaged already: change its risk level or assign an agency instead.',
    'lead-is-co-handler': 'The lead agency cannot also be a co-handler.',
    'duplicate-co-handler': 'A co-handler is named twice.',
    'not-triaged': 'Triage the case first (risk level and lead agency).',
    'same-risk-level': 'The case already has this risk level.',
    'same-mode': 'The case is already in this mode.',
    'red-stays-emergency': 'A red case stays in emergency mode.',
    'already-assigned': 'This agency already has an open assignment.',
    'lead-already-assigned': 'The case already has an open lead assignment.',
    'unknown-assignment': 'This case has no such assignment.',
    'handoff-out-of-order': 'The assignment is {status}: this step is not possible now.',
    'assignments-open':
      'Not every agency has finished: {open}. Verify once every assignment is completed.',
    'no-completed-lead': 'The lead agency has not completed the case yet.',
    'not-verified': 'The outcome is not verified yet: verify it first.',
    'case-not-closed': 'Only a closed case can be reopened.',

    'already-received': 'This assignment is already in the inbox.',
    'assignment-not-found': 'This inbox holds no such assignment.',
    'assignment-state': 'The assignment is {status}: this step is not possible now.',

    'issue-unknown': 'There is no such issue.',
    'issue-resolved': 'This issue is resolved; nothing more can be done on it.',
    'issue-not-acknowledged': 'Acknowledge the issue first.',
    'issue-exists': 'This issue was reported already.',
    'reporter-contact-required':
      "A resident's complaint needs the reporter's contact, so they can be answered.",
    'issue-already-acknowledged': 'This issue is acknowledged already.',
    'issue-has-no-reporter-data': 'This report holds no personal data of its reporter.',

    'enforcement-credential-required':
      'Only an officer holding an enforcement credential may do this.',
    'enforcement-credential-not-yet-valid':
      'Enforcement credential {credentialNumber} is not valid yet (valid {validFrom} to {validTo}).',
    'enforcement-credential-expired':
      'Enforcement credential {credentialNumber} has expired (valid {validFrom} to {validTo}).',
    'enforcement-credential-withdrawn': 'Enforcement credential {credentialNumber} was withdrawn.',
    'role-required': 'Your role may not do this.',
    'evidence-captured-later':
      'The evidence is said to be captured at {capturedAt}, after it is recorded ({recordedAt}): check the capture time.',
    'case-unknown':
      'Your agency has no part in case {caseId} (it neither reported it nor was assigned it), so it cannot act on it.',
    'past-views-busy': 'Another past view is being built: try again in about 10 seconds.',
    'evidence-captured-too-early':
      'The evidence is said to be captured at {capturedAt}, before 2000: check the capture time.',
    'credential-validity-invalid': 'A credential must end after it starts.',
    'credential-already-granted':
      'Credential number {credentialNumber} was granted already; a number is granted once.',
    'credential-unknown': 'This officer holds no credential {credentialNumber}.',
    'credential-already-withdrawn': 'Credential {credentialNumber} was withdrawn on {withdrawnAt}.',

    'subject-exists': 'This subject is registered already.',
    'subject-unknown': 'This subject is not registered.',

    'step-exists': 'This enforcement step exists already.',
    'step-unknown': 'There is no such enforcement step.',
    'evidence-required': 'Attach at least one piece of evidence.',
    // evidence files (libs/evidence-store/src/evidence-files.ts)
    'evidence-digest-mismatch':
      'The SHA-256 submitted is not the stored file’s (the store holds {stored}): the file may have changed on the way. Upload it again.',
    'evidence-upload-unknown': 'That uploaded file cannot be found. Upload it again.',
    'evidence-upload-incomplete': 'The file is still uploading. Submit once it has finished.',
    'evidence-upload-attached':
      'That file is already attached to other evidence and cannot be used twice.',
    'evidence-upload-expired':
      'That file was removed because it was not used in time. Upload it again.',
    'evidence-upload-repeated': 'The same file is attached twice.',
    'evidence-kind-mismatch':
      'The file was uploaded as a {uploaded} and cannot be recorded as a {recorded}.',
    'progression-721':
      'The 721 method asks for a {missing} first, within the last {lookBackMonths} months (since {windowStart}), unless the violation is serious and a legal ground is stated.',

    'decision-unknown': 'There is no such decision.',
    'decision-revoked': 'This decision was revoked.',
    'decision-issued': 'This decision is issued already and cannot be changed.',
    'review-not-requested': 'This decision is not waiting for legal review.',
    'reviewer-is-drafter': 'Whoever drafted a decision may not review it.',
    'decision-exists': 'This decision exists already.',
    'draft-not-revisable': 'Only a draft not under review, or a returned one, can be revised.',
    'draft-returned':
      'The draft was returned ({reasons}): revise it before asking for review again.',
    'review-not-possible': 'This decision cannot be sent for review now.',
    'legal-review-required': 'A major decision needs legal review approval first (draft {draft}).',
    'review-unsettled': 'The legal review is not settled yet.',
    'decision-not-issued': 'This decision is not issued yet.',
    'publicity-exists': 'This decision is published already.',
    'not-published': 'This decision has no publicity in force.',
    'appeal-exists': 'This decision was appealed already.',
    'appeal-time-limit-passed':
      'The {timeLimitDays}-day time limit for an appeal ended on {deadline}.',
    'no-pending-appeal': 'This decision has no pending appeal.',
    'changed-penalty-required': 'A changed decision needs the new penalty.',

    'circumstance-duplicated': 'The standard gives two ranges for “{circumstance}”.',
    'range-invalid': 'A range’s minimum cannot be above its maximum.',
    'ranges-required': 'A discretion standard needs at least one range.',
    'discretion-standard-missing': 'No discretion standard is published for this category.',
    'discretion-range-missing':
      'Discretion standard v{standardVersion} gives no range for “{circumstance}”.',
    'penalty-out-of-range':
      '{amountYuan} yuan is outside the {range.minYuan}–{range.maxYuan} yuan the discretion standard (v{standardVersion}) allows for “{circumstance}”.',

    'warning-not-found': 'There is no such risk warning.',
    'warning-lifted': 'This warning was lifted; nothing more can be done on it.',
    'warning-exists': 'This warning was issued already.',
    'level-unchanged': 'The warning is already at level {level}.',
    'reason-required': 'Please give a reason.',
    'project-not-found': 'There is no such livelihood project.',
    'illegal-transition': 'The project is {status}: this step is not possible now.',
    'proposer-cannot-decide': 'Whoever proposed a project may not decide on it: someone else must.',
    'project-exists': 'This project was proposed already.',
    'invalid-budget': 'The budget must be a whole number of yuan above 0.',
    'invalid-amount': 'A tranche must be a whole number of yuan above 0.',
    'over-budget':
      'This tranche would exceed the approved budget: {approvedBudget} yuan approved, {fundedTotal} funded, {remaining} left.',
    'not-funded': 'The project has received no funds yet: it cannot be completed.',
    'outcome-required': 'Completing a project needs its outcome.',
  },
};

/** Words for values that appear in details (steps, statuses, agencies). */
export const refusalTerms: Record<RefusalLocale, Readonly<Record<string, string>>> = {
  'zh-CN': {
    reminder: '责令改正（提醒）',
    warning: '警告',
    penalty: '处罚',
    drc: '发改委',
    street: '街道办',
    swc: '社工委',
    pending: '待接收',
    received: '待接收',
    accepted: '办理中',
    declined: '已拒收',
    returned: '已退回',
    completed: '已办结',
    proposed: '已申报',
    approved: '已批准',
    rejected: '已驳回',
    funded: '已拨付',
    blue: '蓝色',
    yellow: '黄色',
    orange: '橙色',
    red: '红色',
  },
  en: {
    reminder: 'reminder',
    warning: 'warning',
    penalty: 'penalty',
    drc: 'DRC',
    street: 'street office',
    swc: 'SWC',
  },
};

/** The general sentence when a code has no words of its own yet. */
export const refusalFallback: Record<RefusalLocale, string> = {
  'zh-CN': '操作未被受理，业务规则不允许（代码：{code}）。',
  en: 'The action was refused by a rule of the agency (code: {code}).',
};

function lookup(details: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = details;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The sentence for a refusal's code, with its details put in. */
export function refusalText(
  locale: RefusalLocale,
  code: string,
  details: Readonly<Record<string, unknown>> = {},
): string {
  const template = refusals[locale][code];
  if (!template) return refusalFallback[locale].replace('{code}', code);
  const terms = refusalTerms[locale];
  const word = (v: unknown) => (typeof v === 'string' ? (terms[v] ?? v) : String(v));
  const list = locale === 'zh-CN' ? '、' : ', ';
  return template.replace(/\{([\w.]+)\}/g, (match, name: string) => {
    const value = lookup(details, name);
    if (value === undefined || value === null) return locale === 'zh-CN' ? '（未知）' : '(unknown)';
    return Array.isArray(value) ? value.map(word).join(list) : word(value);
  });
}
