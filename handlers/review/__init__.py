"""Review (④ 项目评审, 附件5): rounds, reviewers' cards and opinions, the office's progress card,
deadlines, closing with the 评审意见表."""
