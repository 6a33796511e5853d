"""The office's pipeline (招商项目信息库, ①–⑥ of 附件8): the listing, the project card and its
moves, notes, the negotiation team, returns to the investor."""
