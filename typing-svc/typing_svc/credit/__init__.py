"""Credit reads (附件1 二(七) 末段: 推动金融机构将分型分类结果应用于信贷): a financial institution reads a business's
typing result with its explanation facts and its recognition details, only under the operator's consent in force,
every read audited. Consent, the reads and the recognitions they show live here, beside the results, so that a
withdrawal holds from the next read on (it is checked in the read's own transaction)."""
