"""Decision (⑤ 项目决策 and after): the joint meeting and its minutes, the city's filing or
approval by amount, signing and the agreement's scan."""
